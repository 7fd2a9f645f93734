package io.userstream.ingest.publish;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where users are published. Producer tuning (acks, idempotence, compression, batching) lives under
 * {@code spring.kafka.producer}.
 *
 * @param topic             topic of UserCreated records, created at start-up if missing
 * @param partitions        partitions of that topic
 * @param replicationFactor replicas of that topic
 * @param retention         how long the topic keeps a record (retention.ms, when this service creates it): as
 *                          long as a replay may need it, no longer, as every record is a person's data
 * @param healthTimeout     how long the Kafka health check waits for the cluster to answer
 * @param outageBudget      how long a run rides out a Kafka outage: a send may wait this long for the
 *                          broker (max.block.ms) and a user this long for its acknowledgement
 *                          (delivery.timeout.ms; the idempotent producer retries without duplicates);
 *                          after that the run fails, naming this budget
 */
@Validated
@ConfigurationProperties("ingest.publish")
public record PublishProperties(
        @NotBlank String topic,
        @Min(1) int partitions,
        @Min(1) short replicationFactor,
        @NotNull @DurationMin(hours = 1) Duration retention,
        @NotNull Duration healthTimeout,
        @NotNull @DurationMin(seconds = 1) Duration outageBudget) {

    /** Where the budget is set, for error messages. */
    public static final String OUTAGE_BUDGET_SETTING = "ingest.publish.outage-budget";
}
