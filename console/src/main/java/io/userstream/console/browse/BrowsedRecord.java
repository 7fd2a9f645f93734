package io.userstream.console.browse;

import java.time.Instant;
import java.util.Map;

/**
 * One record as the message browser shows it.
 *
 * @param headers       every header, UTF-8 text (dead letters' {@code dlq.*} reasons among them)
 * @param schemaId      the registry id of the writer schema (Confluent wire format), null when the value is not in it
 * @param schemaSubject the subject the registry lists for that id (null when it could not say)
 * @param value         the value decoded through the registry, as JSON; null for a tombstone or undecodable bytes
 * @param error         why the value could not be decoded, or null
 */
public record BrowsedRecord(String topic, int partition, long offset, Instant timestamp, String key,
                            Map<String, String> headers, Integer schemaId, String schemaSubject, Integer schemaVersion,
                            Object value, int valueBytes, String error) {
}
