package io.userstream.ingest.ledger;

import io.userstream.ingest.fetch.SourceKind;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A run as the ledger knows it. {@code pagesDone} of {@link #pageCount()} pages are acknowledged by Kafka. */
public record IngestionRun(
        UUID id,
        String idempotencyKey,
        SourceKind source,
        int requested,
        int batchSize,
        String seed,
        List<String> nationalities,
        RunStatus status,
        long fetched,
        long published,
        long failed,
        String lastError,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        int pagesDone) {

    public int pageCount() {
        return (requested + batchSize - 1) / batchSize;
    }

    /** Users in page {@code number} (1-based): {@code batchSize}, except possibly the last page. */
    public int pageSize(int number) {
        return Math.min(batchSize, requested - (number - 1) * batchSize);
    }
}
