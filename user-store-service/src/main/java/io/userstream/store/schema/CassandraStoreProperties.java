package io.userstream.store.schema;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where and how the service keeps its data in Cassandra ({@code userstream.store.cassandra.*}).
 *
 * @param keyspace            keyspace created and migrated at start-up
 * @param replication         CQL replication map of the keyspace, e.g.
 *                            {@code {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}}
 * @param migrate             apply pending migrations at start-up (turn off on all but one instance
 *                            when several start at once: Cassandra DDL is not transactional)
 * @param migrationsLocation  folder of the {@code V<n>__<description>.cql} scripts
 * @param writeConsistency    consistency of every write
 * @param readConsistency     consistency of every read
 * @param maxInFlightWrites   writes sent to Cassandra without an answer yet, across all consumers
 * @param schemaTimeout       timeout of one DDL statement (schema agreement included)
 * @param schemaDebounceWindow how long the driver batches schema-change events before refreshing its metadata (each DDL statement waits for that refresh)
 * @param reconnectMaxDelay   longest wait between reconnection attempts to a node that went down
 */
@Validated
@ConfigurationProperties("userstream.store.cassandra")
public record CassandraStoreProperties(
        @NotBlank @Pattern(regexp = "[a-z][a-z0-9_]{0,47}") String keyspace,
        @NotBlank @Pattern(regexp = "\\{.*}") String replication,
        boolean migrate,
        @NotBlank String migrationsLocation,
        @NotNull DefaultConsistencyLevel writeConsistency,
        @NotNull DefaultConsistencyLevel readConsistency,
        @Min(1) @Max(8192) int maxInFlightWrites,
        @NotNull Duration schemaTimeout,
        @NotNull Duration schemaDebounceWindow,
        @NotNull Duration reconnectMaxDelay) {
}
