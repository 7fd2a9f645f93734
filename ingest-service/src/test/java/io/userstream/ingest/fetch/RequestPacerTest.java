package io.userstream.ingest.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RequestPacerTest {

    private Instant now = Instant.parse("2026-11-22T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };

    @Test
    void requestsWithinTheCeilingGoAtOnce() {
        RequestPacer pacer = new RequestPacer(20_000, Duration.ofMinutes(5), clock);
        assertThat(pacer.reserve(5_000)).isZero();
        assertThat(pacer.reserve(5_000)).isZero();
        assertThat(pacer.reserve(10_000)).isZero();
    }

    @Test
    void aRequestAboveTheCeilingWaitsUntilEarlierOnesLeaveTheWindow() {
        RequestPacer pacer = new RequestPacer(20_000, Duration.ofMinutes(5), clock);
        pacer.reserve(5_000);
        now = now.plusSeconds(60);
        pacer.reserve(15_000);
        now = now.plusSeconds(10);

        // 20,000 booked in the window: the next 5,000 may go when the first 5,000 are 5 minutes old.
        assertThat(pacer.reserve(5_000)).isEqualTo(Duration.ofMinutes(5).minusSeconds(70));
        // and the one after that only when the 15,000 have left as well
        assertThat(pacer.reserve(5_000)).isEqualTo(Duration.ofMinutes(5).minusSeconds(10));
    }

    @Test
    void bookingsOlderThanTheWindowNoLongerCount() {
        RequestPacer pacer = new RequestPacer(1_000, Duration.ofSeconds(10), clock);
        pacer.reserve(1_000);
        now = now.plusSeconds(10);
        assertThat(pacer.reserve(1_000)).isZero();
    }

    @Test
    void aRequestLargerThanTheCeilingIsBookedAsTheCeiling() {
        RequestPacer pacer = new RequestPacer(1_000, Duration.ofSeconds(10), clock);
        assertThat(pacer.reserve(5_000)).isZero();
        assertThat(pacer.reserve(1)).isEqualTo(Duration.ofSeconds(10));
    }
}
