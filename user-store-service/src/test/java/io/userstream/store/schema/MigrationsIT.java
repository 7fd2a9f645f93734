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
}
