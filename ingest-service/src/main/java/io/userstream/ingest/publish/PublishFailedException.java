package io.userstream.ingest.publish;

/** Kafka did not acknowledge a user of a page; the run fails with this message. */
public class PublishFailedException extends RuntimeException {

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
