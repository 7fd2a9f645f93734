package io.userstream.processor.runtime;

import java.util.Map;
import java.util.Set;

import io.userstream.processor.ProcessorProperties;

import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.stereotype.Component;

/**
 * UP while the Streams client is RUNNING or REBALANCING with at least one live stream thread and stream
 * threads do not keep dying (at most {@code max-thread-replacements} replaced within the window); DOWN
 * otherwise, with the reason. Whether the broker answers is the {@code kafka} component's concern.
 */
@Component("kafkaStreams")
class KafkaStreamsHealthIndicator implements HealthIndicator {

    /** {@link org.apache.kafka.streams.ThreadMetadata#threadState()} of threads that will not process again. */
    private static final Set<String> ENDED_THREAD_STATES = Set.of("PENDING_SHUTDOWN", "DEAD");

    private final StreamsBuilderFactoryBean streams;
    private final StreamThreadReplacements replacements;
    private final int maxReplacements;

    KafkaStreamsHealthIndicator(StreamsBuilderFactoryBean streams, StreamThreadReplacements replacements,
                                ProcessorProperties properties) {
        this.streams = streams;
        this.replacements = replacements;
        this.maxReplacements = properties.health().maxThreadReplacements();
    }

    @Override
    public Health health() {
        KafkaStreams client = streams.getKafkaStreams();
        if (client == null) {
            return Health.down().withDetail("state", "NOT_CREATED").build();
        }
        KafkaStreams.State state = client.state();
        long liveThreads = client.metadataForLocalThreads().stream()
                .filter(thread -> !ENDED_THREAD_STATES.contains(thread.threadState()))
                .count();
        int replaced = replacements.inWindow();
        String downBecause;
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            downBecause = "Streams client is " + state;
        } else if (liveThreads == 0) {
            downBecause = "no live stream thread";
        } else if (replaced > maxReplacements) {
            downBecause = "stream threads keep dying: %d replaced within %s (more than %d)"
                    .formatted(replaced, replacements.window(), maxReplacements);
        } else {
            downBecause = null;
        }
        Health.Builder health = downBecause == null ? Health.up() : Health.down().withDetail("reason", downBecause);
        health.withDetail("state", state.name())
                .withDetail("liveThreads", liveThreads)
                .withDetail("threadReplacements", replaced)
                .withDetail("threadReplacementWindow", replacements.window().toString());
        replacements.lastError().ifPresent(error -> health.withDetail("lastThreadError",
                Map.of("at", error.at().toString(), "type", error.type(), "message", error.message(), "rootCause", error.rootCause())));
        return health.build();
    }
}
