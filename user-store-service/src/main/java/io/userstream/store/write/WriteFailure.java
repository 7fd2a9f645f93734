package io.userstream.store.write;

/**
 * An item Cassandra refuses for what it is (the server rejects the statement as invalid), so
 * retrying would never succeed: it is dead-lettered.
 *
 * @param item  what could not be written
 * @param error why, as Cassandra said it
 */
public record WriteFailure<T>(T item, Throwable error) {
}
