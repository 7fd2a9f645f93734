package io.userstream.ingest.run;

import io.userstream.ingest.fetch.SourceKind;
import java.util.List;

/** A validated request for a run; {@code batchSize} and {@code seed} may be null (defaults apply). */
public record StartRequest(SourceKind source, int count, Integer batchSize, String seed, List<String> nationalities,
                           String idempotencyKey) {
}
