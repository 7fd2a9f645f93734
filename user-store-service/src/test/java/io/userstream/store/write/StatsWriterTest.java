package io.userstream.store.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Running counts: of the records of one window in a batch, only the last (by offset) may be written. */
class StatsWriterTest {

    private static final Instant TEN = Instant.parse("2026-11-21T10:00:00Z");
    private static final Instant TEN_ONE = Instant.parse("2026-11-21T10:01:00Z");

    @Test
    void onlyTheLastRecordOfEachWindowIsWritten() {
        List<UserStats> batch = new ArrayList<>();
        for (long count = 1; count <= 50; count++) {
            batch.add(window(StatsDimension.COUNTRY, "Germany", TEN, count));
            batch.add(window(StatsDimension.COUNTRY, "France", TEN, 100 + count));
            batch.add(window(StatsDimension.COUNTRY, "Germany", TEN_ONE, 200 + count));
        }

        assertThat(StatsWriter.latestOfEachWindow(batch)).containsExactly(
                window(StatsDimension.COUNTRY, "Germany", TEN, 50),
                window(StatsDimension.COUNTRY, "France", TEN, 150),
                window(StatsDimension.COUNTRY, "Germany", TEN_ONE, 250));
    }

    @Test
    void aLowerLaterCountStillSupersedesAHigherEarlierOne() {
        // Offset order decides, not the size of the count (a corrected total may be lower).
        assertThat(StatsWriter.latestOfEachWindow(List.of(
                window(StatsDimension.COUNTRY, "Germany", TEN, 9),
                window(StatsDimension.COUNTRY, "Germany", TEN, 4))))
                .containsExactly(window(StatsDimension.COUNTRY, "Germany", TEN, 4));
    }

    @Test
    void windowsThatDifferOnlyInDimensionAreKeptApart() {
        List<UserStats> batch = List.of(
                window(StatsDimension.COUNTRY, "female", TEN, 3),
                window(StatsDimension.GENDER, "female", TEN, 7));

        assertThat(StatsWriter.latestOfEachWindow(batch)).containsExactlyElementsOf(batch);
    }

    private static UserStats window(StatsDimension dimension, String key, Instant start, long count) {
        return UserStats.newBuilder().setWindowStart(start).setWindowEnd(start.plusSeconds(60))
                .setDimension(dimension).setKey(key).setCount(count).build();
    }
}
