package io.userstream.store.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

class CqlMigrationTest {

    private static final String SCRIPT = """
            -- a comment; with a semicolon
            CREATE KEYSPACE IF NOT EXISTS ${keyspace}
              WITH replication = ${replication};

            CREATE TABLE IF NOT EXISTS ${keyspace}.t (
              id int PRIMARY KEY
            );
            """;

    @Test
    void splitsStatementsAndFillsPlaceholders() {
        CqlMigration migration = CqlMigration.parse("V7__create_things.cql", SCRIPT);
        assertThat(migration.version()).isEqualTo(7);
        assertThat(migration.description()).isEqualTo("create things");
        assertThat(migration.statements("ks", "{'class': 'SimpleStrategy', 'replication_factor': 1}")).containsExactly(
                "CREATE KEYSPACE IF NOT EXISTS ks\n  WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                "CREATE TABLE IF NOT EXISTS ks.t (\n  id int PRIMARY KEY\n)");
    }

    @Test
    void checksumIsOfTheScriptNotOfTheSettings() {
        CqlMigration migration = CqlMigration.parse("V1__x.cql", SCRIPT);
        assertThat(migration.checksum()).isEqualTo(CqlMigration.parse("V1__x.cql", SCRIPT).checksum());
        assertThat(migration.checksum()).isNotEqualTo(CqlMigration.parse("V1__x.cql", SCRIPT + "\n-- edited\n").checksum());
    }

    @Test
    void refusesBadNamesAndDuplicateVersions() {
        assertThatThrownBy(() -> CqlMigration.parse("create.cql", SCRIPT)).isInstanceOf(MigrationException.class);
        assertThatThrownBy(() -> new CqlMigrations(List.of(CqlMigration.parse("V1__a.cql", SCRIPT), CqlMigration.parse("V1__b.cql", SCRIPT))))
                .isInstanceOf(MigrationException.class).hasMessageContaining("version 1");
    }

    @Test
    void shippedMigrationsAreOrderedAndIdempotent() {
        CqlMigrations migrations = CqlMigrations.load(new PathMatchingResourcePatternResolver(), "classpath:cassandra/migrations/");
        assertThat(migrations.all()).extracting(CqlMigration::version).containsExactly(1, 2, 3, 4, 5, 6);
        for (CqlMigration migration : migrations.all()) {
            // a crash half-way through a script re-runs it: every statement must tolerate that
            assertThat(migration.statements("ks", "{}")).allSatisfy(statement -> assertThat(statement).contains("IF NOT EXISTS"));
        }
    }
}
