package io.userstream.ingest.fetch;

/** The API answered 200 with a body that is not the documented shape (e.g. truncated JSON); retried. */
class MalformedResponseException extends RuntimeException {

    MalformedResponseException(String message) {
        super(message);
    }

    MalformedResponseException(String message, Throwable cause) {
        super(message, cause);
    }
}
