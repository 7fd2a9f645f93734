package io.userstream.store.write;

import java.time.Instant;
import java.util.UUID;

/**
 * A dead letter whose re-driven record was stored: its dead_letters_by_run row is to go.
 *
 * @param runId           the stored user's {@code ingestion.runId}
 * @param originTopic     {@code redrive.origin.topic} of the stored record: the row's key
 * @param originPartition {@code redrive.origin.partition}
 * @param originOffset    {@code redrive.origin.offset}
 * @param resolvedAt      the stored record's timestamp (the time of the re-drive): the delete's write timestamp
 */
public record ResolvedDeadLetter(UUID runId, String originTopic, int originPartition, long originOffset, Instant resolvedAt) {
}
