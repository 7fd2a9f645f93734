package io.userstream.store.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Applies the versioned CQL scripts not applied yet, in version order, and records each in
 * {@code <keyspace>.schema_migrations} (version, description, checksum, applied_at), like Flyway
 * does for SQL. A script already applied whose text changed stops the start-up.
 *
 * <p>Cassandra DDL is not transactional: a crash half-way through a script leaves some statements
 * applied and the version unrecorded, so every statement must be idempotent ({@code IF NOT EXISTS}).
 * The first script creates the keyspace itself, so the history table can only exist from then on.
 */
public final class CqlMigrations {

    private static final Logger log = LoggerFactory.getLogger(CqlMigrations.class);
    private static final String HISTORY_TABLE = "schema_migrations";

    private final List<CqlMigration> migrations;

    public CqlMigrations(List<CqlMigration> migrations) {
        this.migrations = migrations.stream().sorted(Comparator.comparingInt(CqlMigration::version)).toList();
        for (int i = 1; i < this.migrations.size(); i++) {
            if (this.migrations.get(i).version() == this.migrations.get(i - 1).version()) {
                throw new MigrationException("Two migrations have version " + this.migrations.get(i).version());
            }
        }
    }

    /** Reads every {@code V*__*.cql} under the location, e.g. {@code classpath:cassandra/migrations/}. */
    public static CqlMigrations load(ResourcePatternResolver resolver, String location) {
        String folder = location.endsWith("/") ? location : location + "/";
        try {
            Resource[] resources = resolver.getResources(folder + "V*__*.cql");
            if (resources.length == 0) {
                throw new MigrationException("No migrations found at " + folder);
            }
            List<CqlMigration> migrations = new java.util.ArrayList<>();
            for (Resource resource : resources) {
                migrations.add(CqlMigration.parse(resource.getFilename(), resource.getContentAsString(StandardCharsets.UTF_8)));
            }
            return new CqlMigrations(migrations);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read migrations at " + folder, e);
        }
    }

    public List<CqlMigration> all() {
        return migrations;
    }

    /** @return the versions applied by this call */
    public List<Integer> apply(CqlSession session, String keyspace, String replication, java.time.Duration timeout) {
        Map<Integer, Long> applied = appliedChecksums(session, keyspace);
        List<Integer> appliedNow = new java.util.ArrayList<>();
        for (CqlMigration migration : migrations) {
            Long checksum = applied.get(migration.version());
            if (checksum != null) {
                if (checksum != migration.checksum()) {
                    throw new MigrationException("Migration V" + migration.version() + " (" + migration.description()
                            + ") was changed after it was applied to keyspace " + keyspace
                            + ": add a new migration instead of editing an applied one");
                }
                continue;
            }
            for (String statement : migration.statements(keyspace, replication)) {
                try {
                    session.execute(SimpleStatement.newInstance(statement).setTimeout(timeout));
                } catch (RuntimeException e) {
                    throw new MigrationException("Migration V" + migration.version() + " (" + migration.description()
                            + ") failed on: " + statement, e);
                }
            }
            ensureHistoryTable(session, keyspace, timeout);
            session.execute(SimpleStatement.newInstance(
                    "INSERT INTO " + keyspace + "." + HISTORY_TABLE + " (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)",
                    migration.version(), migration.description(), migration.checksum(), Instant.now()));
            log.info("Applied Cassandra migration V{} ({}) to keyspace {}", migration.version(), migration.description(), keyspace);
            appliedNow.add(migration.version());
        }
        return appliedNow;
    }

    private static Map<Integer, Long> appliedChecksums(CqlSession session, String keyspace) {
        Map<Integer, Long> applied = new HashMap<>();
        Optional<KeyspaceMetadata> metadata = session.refreshSchema().getKeyspace(keyspace);
        if (metadata.isEmpty() || metadata.get().getTable(HISTORY_TABLE).isEmpty()) {
            return applied;
        }
        for (Row row : session.execute("SELECT version, checksum FROM " + keyspace + "." + HISTORY_TABLE)) {
            applied.put(row.getInt("version"), row.getLong("checksum"));
        }
        return applied;
    }

    private static void ensureHistoryTable(CqlSession session, String keyspace, java.time.Duration timeout) {
        session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS " + keyspace + "." + HISTORY_TABLE
                + " (version int PRIMARY KEY, description text, checksum bigint, applied_at timestamp)").setTimeout(timeout));
    }
}
