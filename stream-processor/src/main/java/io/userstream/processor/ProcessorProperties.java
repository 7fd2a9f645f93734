package io.userstream.processor;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the stream processor (prefix {@code userstream.processor}); the topics it reads and writes are
 * {@code userstream.topics} (common-schema's {@code TopicLayout}, the same in every service), and Kafka Streams' own
 * settings (application id, state dir, guarantee, standby replicas) live under {@code spring.kafka.streams}.
 *
 * @param deduplicationRetention how long a user id is remembered: a user seen again within this time is not emitted again
 * @param statsWindow            size of the tumbling windows users are counted in
 * @param statsFlushInterval     how often each task sends its partial counts on to the windowed sums (wall-clock time);
 *                               together with the commit interval, how soon a window's new total reaches user_stats
 * @param statsLatenessLimit     how long after a window's end, measured by the newest user counted downstream, users of
 *                               that window are still added to its total (and the total is kept); a user later than that
 *                               is not counted (Kafka Streams' dropped-records metric). It bounds how far one task's
 *                               backlog (a restart, an outage) may trail the others', so keep it long: 24h by default
 * @param closeTimeout           how long shutdown waits for the Streams client to commit and close
 * @param outageBudget           how long a Kafka outage the processor waits out: its producer's {@code max.block.ms} and
 *                               {@code delivery.timeout.ms}. A send that times out within a transaction sends Kafka Streams
 *                               down its task-corruption path, which lost users in a 60 s outage drill (docs/reliability.md);
 *                               waiting instead ends in the transaction being fenced, after which every task restarts from
 *                               its last commit with its state rebuilt
 * @param health                 when the {@code kafka} and {@code kafkaStreams} health components say DOWN
 */
@Validated
@ConfigurationProperties("userstream.processor")
public record ProcessorProperties(
        @NotNull Duration deduplicationRetention,
        @NotNull @DurationMin(millis = 1) Duration statsWindow,
        @NotNull @DurationMin(millis = 1) Duration statsFlushInterval,
        @NotNull @DurationMin(millis = 0) Duration statsLatenessLimit,
        @NotNull Duration closeTimeout,
        @NotNull @DurationMin(seconds = 1) Duration outageBudget,
        @Valid @NotNull Health health) {

    /**
     * @param brokerTimeout           the {@code kafka} component is DOWN when the broker does not describe its cluster within this time
     * @param threadReplacementWindow how far back stream-thread replacements are counted
     * @param maxThreadReplacements   the {@code kafkaStreams} component is DOWN when more stream threads than this were
     *                                replaced (after dying from an uncaught exception) within the window: they keep dying
     */
    public record Health(
            @NotNull @DurationMin(millis = 1) Duration brokerTimeout,
            @NotNull @DurationMin(millis = 1) Duration threadReplacementWindow,
            @Min(0) int maxThreadReplacements) {
    }
}
