package io.userstream.schema.serde;

/** The header is valid but the bytes are truncated or do not decode with the writer schema. */
public final class MalformedAvroPayloadException extends UndecodableRecordException {

    public MalformedAvroPayloadException(String message) {
        super(message, null);
    }

    public MalformedAvroPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
