package io.userstream.console.follow;

import java.util.List;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * DOWN when a topic tail stopped: the console would go on serving views that no longer change. Kafka being
 * away is not DOWN (the tails wait for it and the page says so).
 */
@Component("tails")
class TailsHealthIndicator implements HealthIndicator {

    private final List<Followed> followed;

    TailsHealthIndicator(List<Followed> followed) {
        this.followed = followed;
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        for (Followed f : followed) {
            TopicTail<?> tail = f.tail();
            if (tail.failure() != null) {
                health = Health.down().withDetail("reason", "the tail of " + tail.topic() + " stopped: " + tail.failure());
                break;
            }
            health.withDetail(tail.topic(), tail.caughtUp() ? "following" : "reading from the beginning");
        }
        return health.build();
    }
}
