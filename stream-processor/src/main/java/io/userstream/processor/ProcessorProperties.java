package io.userstream.processor;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the stream processor (prefix {@code userstream.processor}); Kafka Streams' own settings
 * (application id, state dir, guarantee, standby replicas) live under {@code spring.kafka.streams}.
 *
 * @param topics                 the topics read and written, and how they are created
 * @param deduplicationRetention how long a user id is remembered: a user seen again within this time is not emitted again
 * @param statsWindow            size of the tumbling windows users are counted in
 * @param statsFlushInterval     how often each task sends its partial counts on to the windowed sums (wall-clock time)
 * @param statsGrace             how long after a window's end late records are still counted; the window is emitted after it
 * @param closeTimeout           how long shutdown waits for the Streams client to commit and close
 */
@Validated
@ConfigurationProperties("userstream.processor")
public record ProcessorProperties(
        @Valid @NotNull Topics topics,
        @NotNull Duration deduplicationRetention,
        @NotNull Duration statsWindow,
        @NotNull Duration statsFlushInterval,
        @NotNull Duration statsGrace,
        @NotNull Duration closeTimeout) {

    /**
     * @param usersCreated      input: raw users from the ingest service
     * @param usersProcessed    output: validated, normalized, de-duplicated users
     * @param userStats         output: closed window counts
     * @param deadLetter        output: records that cannot be read or are invalid, as their original bytes
     * @param partitions        partitions of every topic created at start-up (all equal, so keys co-partition)
     * @param replicationFactor replication factor of the topics created at start-up
     */
    public record Topics(
            @NotBlank String usersCreated,
            @NotBlank String usersProcessed,
            @NotBlank String userStats,
            @NotBlank String deadLetter,
            @Min(1) int partitions,
            @Min(1) @Max(Short.MAX_VALUE) int replicationFactor) {
    }
}
