package io.userstream.ingest.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ledger as the service really connects in local mode: with its own PostgreSQL role {@code ingest} and its
 * password, which the launcher gives a {@code @LocalServers} test as it gives the service its environment. Flyway
 * creates the schema and migrates it as that role, which owns what it made and is no superuser.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "userstream.topics.users-created=users_created_ledger_role_it",
        "spring.flyway.schemas=" + LedgerRoleIT.SCHEMA,
        "spring.flyway.default-schema=" + LedgerRoleIT.SCHEMA,
        "spring.datasource.hikari.schema=" + LedgerRoleIT.SCHEMA})
class LedgerRoleIT {

    static final String SCHEMA = "ingest_ledger_role_it";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Flyway flyway;

    @Test
    void theLedgerConnectsAsItsOwnRoleWhichIsNoSuperuser(LocalStack stack) {
        assertThat(jdbc.sql("select current_user").query(String.class).single()).isEqualTo(stack.postgresLogins().ingest().username());
        assertThat(jdbc.sql("select current_database()").query(String.class).single()).isEqualTo(stack.postgresIngestDatabase());
        assertThat(jdbc.sql("select rolsuper from pg_roles where rolname = current_user").query(Boolean.class).single()).isFalse();
        assertThatThrownBy(() -> jdbc.sql("create role ledger_role_it").update())
                .rootCause().hasMessageContaining("permission denied to create role");
    }

    @Test
    void flywayMigratedEverythingAsThatRoleWhichOwnsTheSchemaAndItsTables() {
        MigrationInfo[] applied = flyway.info().applied();
        assertThat(applied).isNotEmpty().allSatisfy(migration -> {
            assertThat(migration.getState().isFailed()).as("%s failed", migration.getScript()).isFalse();
            assertThat(migration.getInstalledBy()).as("%s installed by", migration.getScript()).isEqualTo("ingest");
        });
        assertThat(flyway.info().pending()).isEmpty();
        assertThat(jdbc.sql("select nspowner::regrole::text from pg_namespace where nspname = :schema").param("schema", SCHEMA)
                .query(String.class).single()).isEqualTo("ingest");
        assertThat(jdbc.sql("select tableowner from pg_tables where schemaname = :schema").param("schema", SCHEMA).query(String.class).list())
                .contains("ingest")
                .containsOnly("ingest");
        assertThat(jdbc.sql("select count(*) from pg_tables where schemaname = :schema and tablename in"
                + " ('ingestion_run', 'ingestion_page', 'ingestion_failure', 'flyway_schema_history')").param("schema", SCHEMA)
                .query(Integer.class).single()).isEqualTo(4);
    }
}
