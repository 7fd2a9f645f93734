package io.userstream.ingest.ledger;

import io.userstream.ingest.fetch.SourceKind;
import java.util.List;

/**
 * What a client asked for; seed already chosen (a run is reproducible only with a known seed).
 * {@code requestFingerprint} identifies the request as sent, to refuse its idempotency key for another one.
 */
public record NewRun(SourceKind source, int requested, int batchSize, String seed, List<String> nationalities,
                     String idempotencyKey, String requestFingerprint) {
}
