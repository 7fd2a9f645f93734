package io.userstream.store.write;

import java.time.Instant;
import java.util.UUID;

/**
 * A dead letter read back from the DLQ topic and attributed to the ingestion run of its original
 * value. The source coordinates identify it: the same source record dead-lettered or read twice is
 * one dead letter.
 *
 * @param runId           run of the original value's {@code ingestion.runId}
 * @param sourceTopic     {@code dlq.source.topic}: where the original record was read
 * @param sourcePartition {@code dlq.source.partition}
 * @param sourceOffset    {@code dlq.source.offset}
 * @param userId          the user's id ({@code userId} or {@code login.uuid}), null if it is not a UUID
 * @param reason          {@code dlq.reason}, e.g. invalid-email; null if the header is absent
 * @param stage           {@code dlq.stage}: validate, store, ...; null if absent
 * @param error           {@code dlq.error}, human-readable; null if absent
 * @param failedAt        {@code dlq.failed-at}; null if absent or not an ISO-8601 instant
 * @param service         {@code dlq.service}: which service dead-lettered it; null if absent
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
        String service) {
}
