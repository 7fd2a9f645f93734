package io.userstream.ingest.publish;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How users are published. The topic and its layout are {@code userstream.topics} (common-schema's
 * {@code TopicLayout}, the same in every service); producer tuning (acks, idempotence, compression, batching) lives
 * under {@code spring.kafka.producer}.
 *
 * @param healthTimeout     how long the Kafka health check waits for the cluster to answer
 * @param outageBudget      how long a run rides out a Kafka outage: a send may wait this long for the
 *                          broker (max.block.ms) and a user this long for its acknowledgement
 *                          (delivery.timeout.ms; the idempotent producer retries without duplicates);
 *                          after that the run fails, naming this budget
 */
@Validated
@ConfigurationProperties("ingest.publish")
public record PublishProperties(
        @NotNull Duration healthTimeout,
        @NotNull @DurationMin(seconds = 1) Duration outageBudget) {

    /** Where the budget is set, for error messages. */
    public static final String OUTAGE_BUDGET_SETTING = "ingest.publish.outage-budget";
}
