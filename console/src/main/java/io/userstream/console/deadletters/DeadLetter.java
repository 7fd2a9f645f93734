package io.userstream.console.deadletters;

import io.userstream.console.follow.Origin;
import java.time.Instant;

/**
 * A dead letter as the console shows it: the latest dead-letter record of one origin.
 *
 * @param id           the origin's id ({@link Origin#id()}): stays the same across re-drives
 * @param dlqPartition where its latest record is on users_dlq (what a re-drive sends again)
 * @param key          the record's key (the user id for users_created)
 * @param redriveCount how often it was re-driven (0 for never)
 * @param redrivable   false for what a re-drive cannot help (not from users_created), with the reason in {@code status}
 */
public record DeadLetter(String id, Origin origin, int dlqPartition, long dlqOffset, String key, String runId,
                         String reason, String stage, String error, String service, Instant failedAt,
                         int redriveCount, Status status, boolean redrivable) {

    public enum Status {
        /** Never re-driven. */
        OPEN,
        /** Sent back to validation; no outcome seen yet. */
        REDRIVEN,
        /** Re-driven and refused again: the reason and error are the new ones. */
        FAILED_AGAIN,
        /** Re-driven, passed validation and went on to user-store-service. */
        RESOLVED
    }
}
