package io.userstream.ingest.publish;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where users are published. Producer tuning (acks, idempotence, compression, batching) lives under
 * {@code spring.kafka.producer}.
 *
 * @param topic             topic of UserCreated records, created at start-up if missing
 * @param partitions        partitions of that topic
 * @param replicationFactor replicas of that topic
 * @param healthTimeout     how long the Kafka health check waits for the cluster to answer
 */
@Validated
@ConfigurationProperties("ingest.publish")
public record PublishProperties(
        @NotBlank String topic,
        @Min(1) int partitions,
        @Min(1) short replicationFactor,
        @NotNull Duration healthTimeout) {
}
