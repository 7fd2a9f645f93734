package io.userstream.store.consume;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Retry behaviour of the consumer ({@code userstream.store.kafka.*}). The topics it reads (users_processed,
 * user_stats) and where records that can never be stored go (the dead-letter topic, also read back to count each
 * run's dead letters) are {@code userstream.topics}, common-schema's {@code TopicLayout}, the same in every service.
 *
 * @param deadLetterGroupId    consumer group of the dead letters' read-back, apart from the group storing users, so
 *                             the two keep their own offsets
 * @param serviceName          value of the {@code dlq.service} header
 * @param retryInitialInterval first wait before a failed batch is tried again
 * @param retryMultiplier      growth of the wait after each failed try
 * @param retryMaxInterval     longest wait between tries; tries go on until the batch is stored
 * @param dlqSendTimeout       how long to wait for the broker to take dead letters
 */
@Validated
@ConfigurationProperties("userstream.store.kafka")
public record KafkaStoreProperties(
        @NotBlank String deadLetterGroupId,
        @NotBlank String serviceName,
        @NotNull Duration retryInitialInterval,
        @DecimalMin("1.0") double retryMultiplier,
        @NotNull Duration retryMaxInterval,
        @NotNull Duration dlqSendTimeout) {
}
