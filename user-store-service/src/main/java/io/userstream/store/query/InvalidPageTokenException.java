package io.userstream.store.query;

/** A page token this service did not issue, or issued for another query. */
public class InvalidPageTokenException extends RuntimeException {

    public InvalidPageTokenException(String message) {
        super(message);
    }

    public InvalidPageTokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
