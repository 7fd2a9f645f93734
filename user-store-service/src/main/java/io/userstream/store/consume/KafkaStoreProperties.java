package io.userstream.store.consume;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Topics and retry behaviour of the consumer ({@code userstream.store.kafka.*}).
 *
 * @param usersTopic           processed users to store
 * @param statsTopic           windowed counts to store
 * @param dlqTopic             where records that can never be stored go, with the reason in headers; also
 *                             read back (from every service) to count each run's dead letters
 * @param deadLetterGroupId    consumer group of that read-back, apart from the group storing users, so the
 *                             two keep their own offsets
 * @param partitions           partitions of the topics, when this service creates them
 * @param replicationFactor    replication factor of the topics, when this service creates them
 * @param retention            how long each topic keeps a record (retention.ms), when this service creates it
 * @param serviceName          value of the {@code dlq.service} header
 * @param retryInitialInterval first wait before a failed batch is tried again
 * @param retryMultiplier      growth of the wait after each failed try
 * @param retryMaxInterval     longest wait between tries; tries go on until the batch is stored
 * @param dlqSendTimeout       how long to wait for the broker to take dead letters
 */
@Validated
@ConfigurationProperties("userstream.store.kafka")
public record KafkaStoreProperties(
        @NotBlank String usersTopic,
        @NotBlank String statsTopic,
        @NotBlank String dlqTopic,
        @NotBlank String deadLetterGroupId,
        @Min(1) int partitions,
        @Min(1) short replicationFactor,
        @Valid @NotNull Retention retention,
        @NotBlank String serviceName,
        @NotNull Duration retryInitialInterval,
        @DecimalMin("1.0") double retryMultiplier,
        @NotNull Duration retryMaxInterval,
        @NotNull Duration dlqSendTimeout) {

    /** Per topic, the same as the stream-processor's (docs/security.md): users' data as long as a replay may need it. */
    public record Retention(
            @NotNull @DurationMin(hours = 1) Duration usersTopic,
            @NotNull @DurationMin(hours = 1) Duration statsTopic,
            @NotNull @DurationMin(hours = 1) Duration dlqTopic) {
    }
}
