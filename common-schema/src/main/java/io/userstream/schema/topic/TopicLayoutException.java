package io.userstream.schema.topic;

import java.util.List;

/** The topics could not be checked, or exist laid out differently from {@code userstream.topics}: the service does not start. */
public class TopicLayoutException extends IllegalStateException {

    private final List<String> differences;

    TopicLayoutException(List<String> differences) {
        super("Topics differ from userstream.topics:\n  - " + String.join("\n  - ", differences));
        this.differences = List.copyOf(differences);
    }

    TopicLayoutException(String message, Throwable cause) {
        super(message, cause);
        this.differences = List.of();
    }

    /** Each difference found, one sentence each; empty when the brokers could not be asked. */
    public List<String> differences() {
        return differences;
    }
}
