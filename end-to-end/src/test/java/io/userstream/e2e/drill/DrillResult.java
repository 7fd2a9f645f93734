package io.userstream.e2e.drill;

import java.time.Duration;

/**
 * What one drill found, every number read from Kafka and Cassandra directly (never from the services' own counters).
 *
 * @param published        distinct users of the run in users_created
 * @param stored           users of the run in Cassandra (users_by_run, each also in users)
 * @param deadLettered     distinct users of the run in users_dlq
 * @param lost             published, but neither stored nor dead-lettered
 * @param extra            stored for the run but never published for it, or both stored and dead-lettered; for the
 *                         poison drill also each poison record not dead-lettered with a reason
 * @param duplicated       users of the run with more than one record in users_processed (exactly-once broken)
 * @param statsExpected    stored users first published in the windows covering the run (at the edges also the neighbours' users)
 * @param statsCounted     users counted by those stats windows in Cassandra
 * @param recovered        from the fault to the faulty part answering again (zero without a fault)
 * @param took             from the DAG's trigger to its end
 * @param reads            the REST reads a client made of user-store-service from the fault until the stack answered again
 */
public record DrillResult(String fault, int requested, String dagRun, String ingestion, long published, long stored,
                   long deadLettered, long lost, long extra, long duplicated, long statsExpected, long statsCounted, Duration recovered,
                   Duration took, RestProbe.Reads reads, String note) {

    public long statsError() {
        return statsCounted - statsExpected;
    }

    public boolean passed() {
        return "success".equals(dagRun) && "SUCCEEDED".equals(ingestion) && published > 0 && lost == 0 && extra == 0
                && duplicated == 0 && statsExpected >= stored && statsError() == 0 && stored + deadLettered == published;
    }

    public String summary() {
        return ("%s: %s | DAG run %s, ingestion %s | published %d, stored %d, dead-lettered %d, lost %d, extra %d, duplicated %d,"
                + " stats %d of %d (error %d) | recovered in %.1f s, run took %.1f s | %s%s").formatted(
                fault, passed() ? "PASSED" : "FAILED", dagRun, ingestion, published, stored, deadLettered, lost, extra, duplicated,
                statsCounted, statsExpected, statsError(), recovered.toMillis() / 1e3, took.toMillis() / 1e3, reads, note.isEmpty() ? "" : " | " + note);
    }
}
