package io.userstream.ingest.fetch;

import java.util.List;
import java.util.UUID;

/**
 * One page of a run: page {@code number} (1-based) of {@code batchSize} users for {@code seed}, of
 * which the first {@code size} are taken (the last page of a run may be short). The same spec always
 * yields the same users, which is what makes a run resumable page by page.
 */
public record PageSpec(UUID runId, String seed, int number, int batchSize, int size, List<String> nationalities) {

    /** Index of the page's first user within the run, counted from 0. */
    public long firstIndex() {
        return (long) (number - 1) * batchSize;
    }
}
