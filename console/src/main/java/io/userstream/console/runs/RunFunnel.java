package io.userstream.console.runs;

import java.time.Instant;

/**
 * One ingestion run from requested to stored, each count from the one who knows it: requested, fetched,
 * published and failed from ingest-service's ledger; processed from users_processed and the processor's dead
 * letters; stored and dead-lettered from user-store-service's delivery count.
 *
 * @param state          ingest's state (PENDING, RUNNING, SUCCEEDED, FAILED)
 * @param processed      users of the run the processor has passed on or dead-lettered
 * @param stored         users of the run in Cassandra (-1 when user-store-service did not answer)
 * @param deadLettered   users of the run dead-lettered by any service (-1 when user-store-service did not answer)
 * @param erased         users of the run erased on request, stored or not (-1 when user-store-service did not answer)
 * @param usersPerSecond users stored, dead-lettered or erased per second lately
 * @param etaSeconds     at that rate, until stored + dead-lettered + erased reaches requested (-1 when not running or unknown)
 * @param complete       stored + dead-lettered + erased == published, and ingest is done
 * @param error          ingest's last error of a failed run, or why a count is missing
 */
public record RunFunnel(String runId, String source, String state, long requested, long fetched, long published,
                        long failed, long processed, long stored, long deadLettered, long erased, double usersPerSecond,
                        long etaSeconds, boolean complete, String error, Instant createdAt, Instant finishedAt) {
}
