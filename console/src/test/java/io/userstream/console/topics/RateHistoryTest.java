package io.userstream.console.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateHistoryTest {

    @Test
    void keepsOnlyTheLastHistoryOfEachTopic() {
        RateHistory history = new RateHistory(Duration.ofSeconds(10));
        Instant start = Instant.parse("2026-12-02T12:00:00Z");
        for (int second = 0; second <= 30; second++) {
            history.add(start.plusSeconds(second), "users_created", second);
        }
        history.add(start.plusSeconds(30), "users_dlq", 1);

        RateHistory.Series created = history.series().get(0);
        assertThat(created.topic()).isEqualTo("users_created");
        assertThat(created.points()).hasSize(11);
        assertThat(created.points().get(0).at()).isEqualTo(start.plusSeconds(20));
        assertThat(history.series().get(1).points()).hasSize(1);
    }
}
