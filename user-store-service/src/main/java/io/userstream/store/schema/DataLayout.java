package io.userstream.store.schema;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * How rows are spread over partitions. Writers and readers must agree on these, and changing one
 * means rewriting the data, so they are constants and not settings.
 */
public final class DataLayout {

    /** users_by_run is split into this many partitions per run, so a 1-million-user run stays ~60k rows a partition. */
    public static final int RUN_SHARDS = 16;

    /** dead_letters_by_run is split into this many partitions per run, like users_by_run. */
    public static final int DEAD_LETTER_SHARDS = 16;

    private static final long SECONDS_PER_DAY = 86_400;

    private DataLayout() {
    }

    /** The users_by_run partition of a user: stable for a user id, spread evenly. */
    public static int runShard(UUID userId) {
        return Math.floorMod(userId.hashCode(), RUN_SHARDS);
    }

    /**
     * The dead_letters_by_run partition of a dead letter: stable for its source record (String,
     * Integer and Long hash codes are specified, so every JVM agrees), spread evenly.
     */
    public static int deadLetterShard(String sourceTopic, int sourcePartition, long sourceOffset) {
        return Math.floorMod(Objects.hash(sourceTopic, sourcePartition, sourceOffset), DEAD_LETTER_SHARDS);
    }

    /** users_by_country is partitioned by country and registration year (UTC). */
    public static int registrationYear(Instant registeredAt) {
        return registeredAt.atZone(ZoneOffset.UTC).getYear();
    }

    /**
     * user_stats is partitioned by dimension, key and the UTC day of the window start.
     *
     * @throws IllegalArgumentException for a day Cassandra's {@code date} cannot hold (2^32 days around
     *                                  1970): the driver would silently wrap it into another day
     */
    public static LocalDate statsDay(Instant windowStart) {
        long day = Math.floorDiv(windowStart.getEpochSecond(), SECONDS_PER_DAY);
        if (day < Integer.MIN_VALUE || day > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Window start " + windowStart + " is outside the days Cassandra's date type holds");
        }
        return LocalDate.ofEpochDay(day);
    }
}
