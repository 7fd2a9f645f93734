package io.userstream.store.query;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.UUID;

/**
 * A dead letter of an ingestion run as the API shows it. Fields the dead letter's headers did not
 * carry are null.
 *
 * @param userId   the user's id from the original value
 * @param reason   short code, e.g. invalid-email, unwritable
 * @param stage    where it failed: validate, store
 * @param error    human-readable message
 * @param failedAt when it was dead-lettered
 * @param service  which service dead-lettered it
 * @param redriveCount how many times it was re-driven and failed again (0 when never re-driven); a
 *                 re-driven record that is stored removes its dead letter from the listing
 * @param source   where the original record was first read (its origin, kept across re-drives); the
 *                 record itself stays on the DLQ topic
 */
public record DeadLetterView(UUID userId, String reason, String stage, String error, Instant failedAt, String service,
                             int redriveCount, Source source) {

    public record Source(String topic, int partition, long offset) {
    }

    static final String COLUMNS = "source_topic, source_partition, source_offset, user_id, reason, stage, error, failed_at, service, "
            + "redrive_count";

    static DeadLetterView of(Row row) {
        return new DeadLetterView(row.getUuid("user_id"), row.getString("reason"), row.getString("stage"), row.getString("error"),
                row.getInstant("failed_at"), row.getString("service"), row.getInt("redrive_count"), // null (before V5) reads as 0
                new Source(row.getString("source_topic"), row.getInt("source_partition"), row.getLong("source_offset")));
    }
}
