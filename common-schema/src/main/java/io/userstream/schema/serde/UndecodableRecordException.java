package io.userstream.schema.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record whose bytes can never be deserialized, however often it is retried: a poison pill for a
 * dead-letter topic. Registry outages are a different thing ({@link SchemaRegistryException}).
 */
public abstract sealed class UndecodableRecordException extends SerializationException
        permits UnknownMagicByteException, UnknownSchemaIdException, MalformedAvroPayloadException {

    UndecodableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
