package io.userstream.store.write;

import java.time.Instant;
import java.util.UUID;

/**
 * A dead letter read back from the DLQ topic and attributed to the ingestion run of its original
 * value. Its origin coordinates identify it: the same source record dead-lettered or read twice, or
 * re-driven and dead-lettered again, is one dead letter.
 *
 * @param runId           run of the original value's {@code ingestion.runId}
 * @param sourceTopic     where the record was first read: {@code redrive.origin.topic} when the dead
 *                        letter is of a re-driven record, else {@code dlq.source.topic}
 * @param sourcePartition {@code redrive.origin.partition}, else {@code dlq.source.partition}
 * @param sourceOffset    {@code redrive.origin.offset}, else {@code dlq.source.offset}
 * @param userId          the user's id ({@code userId} or {@code login.uuid}), null if it is not a UUID
 * @param reason          {@code dlq.reason}, e.g. invalid-email; null if the header is absent
 * @param stage           {@code dlq.stage}: validate, store, ...; null if absent
 * @param error           {@code dlq.error}, human-readable; null if absent
 * @param failedAt        {@code dlq.failed-at}; null if absent or not an ISO-8601 instant
 * @param service         {@code dlq.service}: which service dead-lettered it; null if absent
 * @param redriveCount    {@code redrive.count}: re-drives before this failure, 0 when never re-driven
 * @param writtenAt       the write timestamp of the row (CQL {@code USING TIMESTAMP}): {@code failedAt}, or the
 *                        dead letter's own record timestamp when that is absent. A later failure of the same
 *                        dead letter wins whatever order they are read in, and a re-drive that resolved it
 *                        later (a delete at the re-driven record's timestamp) is never undone by it.
 */
public record RunDeadLetter(
        UUID runId,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        UUID userId,
        String reason,
        String stage,
        String error,
        Instant failedAt,
        String service,
        int redriveCount,
        Instant writtenAt) {
}
