package io.userstream.store.write;

/**
 * Cassandra could not take a write right now (down, timing out, overloaded): the whole batch is
 * retried later and its offsets are not committed.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
