package io.userstream.store.schema;

/**
 * The keyspace after start-up migrations ran: beans that prepare statements take this, so they
 * are created only once every table exists.
 *
 * @param name keyspace name, to qualify table names in CQL
 */
public record MigratedKeyspace(String name) {

    /** {@code keyspace.table}. */
    public String table(String table) {
        return name + "." + table;
    }
}
