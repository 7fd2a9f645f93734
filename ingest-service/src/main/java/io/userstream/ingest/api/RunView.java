package io.userstream.ingest.api;

import io.userstream.ingest.ledger.IngestionRun;
import io.userstream.ingest.ledger.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A run as the API shows it. */
public record RunView(
        UUID id,
        String source,
        RunStatus status,
        int requested,
        long fetched,
        long published,
        long failed,
        String lastError,
        int batchSize,
        String seed,
        List<String> nationalities,
        int pages,
        int pagesDone,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt) {

    static RunView of(IngestionRun run) {
        return new RunView(run.id(), run.source().id(), run.status(), run.requested(), run.fetched(), run.published(),
                run.failed(), run.lastError(), run.batchSize(), run.seed(), run.nationalities(), run.pageCount(),
                run.pagesDone(), run.createdAt(), run.startedAt(), run.finishedAt());
    }
}
