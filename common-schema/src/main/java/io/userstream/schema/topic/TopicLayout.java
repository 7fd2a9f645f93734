package io.userstream.schema.topic;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The topics the services share, owned here and nowhere else ({@code userstream.topics.*}, the same in every
 * service): their names, and the layout a topic gets when a service finds it missing. Every topic has the same
 * partition count, so records keyed by user id co-partition, and a partition count is never changed on an
 * existing topic ({@link TopicLayoutCheck}).
 *
 * @param usersCreated      raw users, published by ingest-service
 * @param usersProcessed    validated, normalized, de-duplicated users, from stream-processor
 * @param userStats         the current count of each window, country and gender
 * @param deadLetter        records that cannot be processed or stored, as their original bytes with the reason in headers
 * @param partitions        partitions of every topic: how many instances of a service can share the work
 * @param replicationFactor copies of each partition on different brokers
 * @param minInsyncReplicas copies that must have a record before it is acknowledged (producers use acks=all);
 *                          at most the replication factor, and below it so that one broker may be lost
 * @param retention         how long each topic keeps a record (retention.ms): as long as a replay or a re-drive may
 *                          need it, no longer, as every record is a person's data (docs/security.md)
 * @param checkTimeout      how long the start-up check of the topics waits for the brokers
 */
@Validated
@ConfigurationProperties("userstream.topics")
public record TopicLayout(
        @NotBlank @DefaultValue("users_created") String usersCreated,
        @NotBlank @DefaultValue("users_processed") String usersProcessed,
        @NotBlank @DefaultValue("user_stats") String userStats,
        @NotBlank @DefaultValue("users_dlq") String deadLetter,
        @Min(1) @DefaultValue("6") int partitions,
        @Min(1) @Max(Short.MAX_VALUE) @DefaultValue("1") int replicationFactor,
        @Min(1) @DefaultValue("1") int minInsyncReplicas,
        @Valid @NotNull @DefaultValue Retention retention,
        @NotNull @DurationMin(seconds = 1) @DefaultValue("30s") Duration checkTimeout) {

    /** Per topic: users' data a week, dead letters two weeks, to be fixed and re-driven. */
    public record Retention(
            @NotNull @DurationMin(hours = 1) @DefaultValue("7d") Duration usersCreated,
            @NotNull @DurationMin(hours = 1) @DefaultValue("7d") Duration usersProcessed,
            @NotNull @DurationMin(hours = 1) @DefaultValue("7d") Duration userStats,
            @NotNull @DurationMin(hours = 1) @DefaultValue("14d") Duration deadLetter) {
    }

    /** Validation: acks=all with fewer replicas than min.insync.replicas could never succeed. */
    @AssertTrue(message = "min-insync-replicas must not exceed replication-factor")
    public boolean isMinInsyncReplicasReachable() {
        return minInsyncReplicas <= replicationFactor;
    }

    /** The layout with every default, as a service binds it when nothing is set (tests, benchmarks). */
    public static TopicLayout defaults() {
        return new Binder().bindOrCreate("userstream.topics", TopicLayout.class);
    }

    public TopicSpec usersCreatedTopic() {
        return spec(usersCreated, retention.usersCreated());
    }

    public TopicSpec usersProcessedTopic() {
        return spec(usersProcessed, retention.usersProcessed());
    }

    public TopicSpec userStatsTopic() {
        return spec(userStats, retention.userStats());
    }

    public TopicSpec deadLetterTopic() {
        return spec(deadLetter, retention.deadLetter());
    }

    private TopicSpec spec(String name, Duration retention) {
        return new TopicSpec(name, partitions, (short) replicationFactor, minInsyncReplicas, retention);
    }
}
