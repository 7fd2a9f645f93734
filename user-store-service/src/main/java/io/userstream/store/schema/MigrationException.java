package io.userstream.store.schema;

/** A migration script cannot be read, does not match what was applied before, or failed in Cassandra. */
public class MigrationException extends RuntimeException {

    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
