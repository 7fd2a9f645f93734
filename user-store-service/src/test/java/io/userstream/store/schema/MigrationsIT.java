package io.userstream.store.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.userstream.store.StoreIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** The migrations the service applied at start-up, checked against the real keyspace. */
@StoreIntegrationTest
class MigrationsIT {

    private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

    @Autowired
    CqlSession session;

    @Autowired
    CassandraStoreProperties properties;

    private final CqlMigrations shipped = CqlMigrations.load(new PathMatchingResourcePatternResolver(), "classpath:cassandra/migrations/");

    @Test
    void startUpAppliedEveryMigrationOnceAndRecordedIt() {
        assertThat(session.execute("SELECT version FROM userstream_it.schema_migrations").all())
                .extracting(row -> row.getInt(0)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
        assertThat(session.getMetadata().getKeyspace("userstream_it").orElseThrow().getReplication())
                .containsEntry("replication_factor", "1");
        assertThat(shipped.apply(session, "userstream_it", REPLICATION, Duration.ofSeconds(60))).isEmpty();
    }

    /**
     * The service's session is its own Cassandra role (user_store, from @LocalServers), which owns the keyspace it
     * created and may do nothing a superuser could: manage roles, read credentials.
     */
    @Test
    void theServiceConnectsAsItsOwnRoleThatCannotManageRolesOrReadCredentials() {
        assertThat(session.getContext().getConfig().getDefaultProfile()
                .getString(com.datastax.oss.driver.api.core.config.DefaultDriverOption.AUTH_PROVIDER_USER_NAME)).isEqualTo("user_store");
        assertThatThrownBy(() -> session.execute("CREATE ROLE intruder WITH PASSWORD = 'x' AND LOGIN = true"))
                .isInstanceOf(com.datastax.oss.driver.api.core.servererrors.UnauthorizedException.class);
        assertThatThrownBy(() -> session.execute("SELECT role, salted_hash FROM system_auth.roles"))
                .isInstanceOf(com.datastax.oss.driver.api.core.servererrors.UnauthorizedException.class);
    }

    @Test
    void editedAppliedMigrationStopsStartUp() {
        List<CqlMigration> edited = new ArrayList<>(shipped.all());
        CqlMigration v2 = edited.get(1);
        edited.set(1, CqlMigration.parse("V2__create_user_tables.cql", v2.script() + "\n-- edited after release\n"));
        assertThatThrownBy(() -> new CqlMigrations(edited).apply(session, "userstream_it", REPLICATION, Duration.ofSeconds(60)))
                .isInstanceOf(MigrationException.class).hasMessageContaining("V2");
    }

    @Test
    void freshKeyspaceGetsEveryMigration() {
        String keyspace = "userstream_fresh_" + System.nanoTime();
        try {
            assertThat(shipped.apply(session, keyspace, REPLICATION, Duration.ofSeconds(60))).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getTable("users_by_run")).isPresent();
            assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getTable("dead_letters_by_run").orElseThrow()
                    .getColumn("redrive_count")).isPresent();
            assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getTable("erased_users")).isPresent();
            assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getTable("erased_users_by_run")).isPresent();
            assertThat(session.getMetadata().getKeyspace(keyspace).orElseThrow().getTable("erasure_marker")).isPresent();
        } finally {
            session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace).setTimeout(Duration.ofSeconds(60)));
        }
    }

    @Test
    void aKeyspaceReplicatedOtherwiseThanConfiguredStopsStartUpAndIsLeftAsItIs() {
        CassandraStoreProperties threeReplicas = withReplication("userstream_it", "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");

        assertThatThrownBy(() -> SchemaConfiguration.checkReplication(session, threeReplicas))
                .isInstanceOf(KeyspaceReplicationException.class)
                .hasMessageContaining("Keyspace userstream_it has replication {'class': 'SimpleStrategy', 'replication_factor': 1}, "
                        + "userstream.store.cassandra.replication is {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}")
                .hasMessageContaining("ALTER KEYSPACE userstream_it WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");
        assertThat(session.refreshSchema().getKeyspace("userstream_it").orElseThrow().getReplication())
                .containsEntry("replication_factor", "1");
    }

    @Test
    void theConfiguredReplicationPassesAsCassandraSpellsIt() {
        SchemaConfiguration.checkReplication(session, withReplication("userstream_it", REPLICATION));
        String keyspace = "userstream_nts_" + System.nanoTime();
        String replicationFactorEverywhere = "{'class': 'NetworkTopologyStrategy', 'replication_factor': 1}";
        try {
            session.execute(SimpleStatement.newInstance("CREATE KEYSPACE " + keyspace + " WITH replication = " + replicationFactorEverywhere)
                    .setTimeout(Duration.ofSeconds(60)));
            // Cassandra stores one entry per data centre ({datacenter1=1}); the setting still matches it.
            SchemaConfiguration.checkReplication(session, withReplication(keyspace, replicationFactorEverywhere));
            assertThatThrownBy(() -> SchemaConfiguration.checkReplication(session,
                    withReplication(keyspace, "{'class': 'NetworkTopologyStrategy', 'replication_factor': 2}")))
                    .isInstanceOf(KeyspaceReplicationException.class).hasMessageContaining("'datacenter1': 1");
        } finally {
            session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + keyspace).setTimeout(Duration.ofSeconds(60)));
        }
    }

    @Test
    void aMissingKeyspaceThatThisInstanceDoesNotMigrateStopsStartUp() {
        CassandraStoreProperties notMigrating = new CassandraStoreProperties("userstream_absent", REPLICATION, false,
                properties.migrationsLocation(), properties.writeConsistency(), properties.readConsistency(), properties.maxInFlightWrites(),
                properties.schemaTimeout(), properties.schemaDebounceWindow(), properties.reconnectMaxDelay());

        assertThatThrownBy(() -> SchemaConfiguration.checkReplication(session, notMigrating))
                .isInstanceOf(KeyspaceReplicationException.class)
                .hasMessage("Keyspace userstream_absent does not exist (userstream.store.cassandra.migrate=false: another instance or a job creates it)");
    }

    private CassandraStoreProperties withReplication(String keyspace, String replication) {
        return new CassandraStoreProperties(keyspace, replication, properties.migrate(), properties.migrationsLocation(),
                properties.writeConsistency(), properties.readConsistency(), properties.maxInFlightWrites(), properties.schemaTimeout(),
                properties.schemaDebounceWindow(), properties.reconnectMaxDelay());
    }
}
