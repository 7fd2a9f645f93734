package io.userstream.store.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DataLayoutTest {

    @Test
    void statsDayIsTheUtcDayOfTheWindowStart() {
        assertThat(DataLayout.statsDay(Instant.parse("2026-11-21T23:59:59.999Z"))).isEqualTo(LocalDate.parse("2026-11-21"));
        assertThat(DataLayout.statsDay(Instant.parse("1969-12-31T23:59:59Z"))).isEqualTo(LocalDate.parse("1969-12-31"));
    }

    @Test
    void statsDayOutsideCassandrasDateRangeIsRefusedNotWrapped() {
        // Cassandra's date holds 2^32 days around 1970; the driver casts the day count to an int, so
        // year 6,000,000 would otherwise land in a day partition millions of years away.
        for (String start : new String[] {"+6000000-01-01T00:00:00Z", "-6000000-01-01T00:00:00Z", "+1000000000-12-31T23:59:59Z",
                "-1000000000-01-01T00:00:00Z"}) {
            assertThatThrownBy(() -> DataLayout.statsDay(Instant.parse(start))).as(start).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
