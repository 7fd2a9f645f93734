package io.userstream.processor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userstream.processor.ProcessorProperties;
import io.userstream.schema.topic.TopicLayout;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * The uncaught-exception policy (replace the thread, count it, remember it for the health check within its window)
 * the producer's outage budget, and the topic layout Kafka Streams' own topics follow.
 */
class StreamsRuntimeConfigurationTest {

    private static final Duration WINDOW = Duration.ofMinutes(10);
    private static final ProcessorProperties PROPERTIES = new ProcessorProperties(
            Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofHours(24), Duration.ofSeconds(7), Duration.ofMinutes(5),
            new ProcessorProperties.Health(Duration.ofSeconds(3), WINDOW, 3));

    @Test
    void deadStreamThreadIsReplacedAndCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        StreamThreadReplacements replacements = new StreamThreadReplacements(Clock.systemUTC(), WINDOW);
        StreamsBuilderFactoryBean factoryBean = new StreamsBuilderFactoryBean();

        new StreamsRuntimeConfiguration().streamsRuntime(PROPERTIES, TopicLayout.defaults(), meters, replacements).configure(factoryBean);
        StreamThreadExceptionResponse first = factoryBean.getStreamsUncaughtExceptionHandler().handle(new IllegalStateException("boom"));
        factoryBean.getStreamsUncaughtExceptionHandler().handle(new IllegalArgumentException("boom again"));

        assertThat(first).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(meters.counter("userstream.processor.stream.threads.replaced").count()).isEqualTo(2.0);
        assertThat(replacements.inWindow()).isEqualTo(2);
        assertThat(replacements.lastError()).hasValueSatisfying(error -> {
            assertThat(error.type()).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(error.message()).isEqualTo("boom again");
        });
    }

    @Test
    void producerWaitsOutAnOutageOfTheBudgetAndKeepsTheRestOfTheConfiguration() {
        StreamsBuilderFactoryBean factoryBean = new StreamsBuilderFactoryBean();
        Properties configured = new Properties();
        configured.put("processing.guarantee", "exactly_once_v2");
        factoryBean.setStreamsConfiguration(configured);

        new StreamsRuntimeConfiguration().streamsRuntime(PROPERTIES, TopicLayout.defaults(), new SimpleMeterRegistry(),
                new StreamThreadReplacements(Clock.systemUTC(), WINDOW)).configure(factoryBean);

        assertThat(factoryBean.getStreamsConfiguration())
                .containsEntry("producer.max.block.ms", "300000")
                .containsEntry("producer.delivery.timeout.ms", "300000")
                .containsEntry("processing.guarantee", "exactly_once_v2");
    }

    @Test
    void internalTopicsAndDeadLettersFollowTheTopicLayout() {
        StreamsBuilderFactoryBean factoryBean = new StreamsBuilderFactoryBean();
        factoryBean.setStreamsConfiguration(new Properties());
        TopicLayout cluster = new Binder(new MapConfigurationPropertySource(Map.of("userstream.topics.replication-factor", "3",
                "userstream.topics.min-insync-replicas", "2", "userstream.topics.dead-letter", "dlq_v2")))
                .bindOrCreate("userstream.topics", TopicLayout.class);

        new StreamsRuntimeConfiguration().streamsRuntime(PROPERTIES, cluster, new SimpleMeterRegistry(),
                new StreamThreadReplacements(Clock.systemUTC(), WINDOW)).configure(factoryBean);

        assertThat(factoryBean.getStreamsConfiguration())
                .containsEntry("replication.factor", "3")
                .containsEntry("topic.min.insync.replicas", "2")
                .containsEntry("errors.dead.letter.queue.topic.name", "dlq_v2");
    }

    @Test
    void replacementsOlderThanTheWindowNoLongerCount() {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-22T00:00:00Z"));
        StreamThreadReplacements replacements = new StreamThreadReplacements(clock, WINDOW);

        replacements.record(new IllegalStateException("first"));
        clock.advance(WINDOW.minusMinutes(1));
        replacements.record(new IllegalStateException("second"));
        assertThat(replacements.inWindow()).isEqualTo(2);

        clock.advance(Duration.ofMinutes(1).plusMillis(1));
        assertThat(replacements.inWindow()).as("the first is out of the window").isEqualTo(1);
        clock.advance(WINDOW);
        assertThat(replacements.inWindow()).isZero();
        assertThat(replacements.lastError()).as("the last error stays for the details").isPresent();
    }

    /** A clock the test moves on. */
    private static final class MovableClock extends Clock {

        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
