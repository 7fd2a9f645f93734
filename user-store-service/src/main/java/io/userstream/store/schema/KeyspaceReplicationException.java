package io.userstream.store.schema;

/** The keyspace exists with a replication other than the configured one: the service does not start. */
public class KeyspaceReplicationException extends IllegalStateException {

    KeyspaceReplicationException(String message) {
        super(message);
    }
}
