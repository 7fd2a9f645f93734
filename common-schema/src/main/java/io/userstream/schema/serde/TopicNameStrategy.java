package io.userstream.schema.serde;

import org.apache.kafka.common.errors.SerializationException;

/** Confluent's default subject naming: {@code <topic>-key} or {@code <topic>-value}. */
public final class TopicNameStrategy {

    private TopicNameStrategy() {
    }

    public static String subjectName(String topic, boolean isKey) {
        if (topic == null || topic.isBlank()) {
            throw new SerializationException("A topic name is needed to name the schema registry subject");
        }
        return topic + (isKey ? "-key" : "-value");
    }
}
