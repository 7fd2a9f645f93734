package io.userstream.schema.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The schema registry could not be reached, or answered with an error (e.g. HTTP 409 when a schema
 * breaks the subject's compatibility rule). Usually worth retrying or fixing, unlike
 * {@link UndecodableRecordException}.
 */
public final class SchemaRegistryException extends SerializationException {

    /** {@link #httpStatus()} and {@link #errorCode()} when there was no answer or it carried none. */
    public static final int NONE = -1;

    private final String registryUrl;
    private final int httpStatus;
    private final int errorCode;
    private final String registryMessage;

    private SchemaRegistryException(String message, String registryUrl, int httpStatus, int errorCode,
                                    String registryMessage, Throwable cause) {
        super(message, cause);
        this.registryUrl = registryUrl;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    static SchemaRegistryException unreachable(String registryUrl, String request, Throwable cause) {
        return new SchemaRegistryException(
                "Schema registry at " + registryUrl + " is unreachable (" + request + "): " + cause,
                registryUrl, NONE, NONE, null, cause);
    }

    static SchemaRegistryException errorAnswer(String registryUrl, String request, int httpStatus,
                                               int errorCode, String registryMessage) {
        return new SchemaRegistryException(
                "Schema registry at " + registryUrl + " refused " + request + ": HTTP " + httpStatus
                        + (errorCode == NONE ? "" : ", error_code " + errorCode) + ": " + registryMessage,
                registryUrl, httpStatus, errorCode, registryMessage, null);
    }

    static SchemaRegistryException unexpectedAnswer(String registryUrl, String request, String problem, Throwable cause) {
        return new SchemaRegistryException(
                "Schema registry at " + registryUrl + " gave an unexpected answer to " + request + ": " + problem,
                registryUrl, NONE, NONE, null, cause);
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** HTTP status of the registry's error answer, or {@link #NONE} if it did not answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (e.g. 409, 40401, 40403), or {@link #NONE}. */
    public int errorCode() {
        return errorCode;
    }

    /** The registry's {@code message}, or null if it did not answer. */
    public String registryMessage() {
        return registryMessage;
    }
}
