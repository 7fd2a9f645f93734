package io.userstream.e2e.bench;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.ColumnMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.IndexMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.metadata.schema.TableMetadata;
import io.userstream.localstack.ServerKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The bare-driver write ceiling for the rows one ingestion run left in Cassandra: every row of those
 * users in every table of the store's keyspace (tables keyed by neither user nor run, such as
 * country_registration_years and user_stats, are copied whole) is read into memory first, then
 * written into a copy of the keyspace's tables the way user-store-service writes: prepared INSERTs,
 * asynchronous, at most {@value #MAX_IN_FLIGHT} unanswered (its max-in-flight-writes), submitted by
 * {@value #SUBMITTERS} threads (its listener concurrency), at its write consistency.
 */
final class CassandraCeiling {

    static final int MAX_IN_FLIGHT = 256;
    static final int SUBMITTERS = 2;
    static final String CEILING_KEYSPACE = "bench_ceiling";
    /** The store's migration bookkeeping, not data a user's write produces. */
    private static final Set<String> NOT_USER_DATA = Set.of("schema_migrations");
    private static final ConsistencyLevel WRITE_CONSISTENCY = ConsistencyLevel.LOCAL_QUORUM;

    private final CqlSession session;
    private final String keyspace;
    private final StackProcesses processes;
    private final Consumer<String> log;

    CassandraCeiling(CqlSession session, String keyspace, StackProcesses processes, Consumer<String> log) {
        this.session = session;
        this.keyspace = keyspace;
        this.processes = processes;
        this.log = log;
    }

    /** The rows of one table to copy, with their column names in bind order. */
    record TableRows(TableMetadata table, List<CqlIdentifier> columns, List<Object[]> rows) {
    }

    /**
     * @param users     the run's users
     * @param rows      rows written
     * @param rowsByTable rows written per table
     * @param stackCpuSeconds CPU seconds of each server of the stack while the rows were written
     * @param driverCpuSeconds CPU seconds of this JVM (the driver client) meanwhile
     */
    record Result(int users, long rows, Map<String, Integer> rowsByTable, Duration took,
                  Map<ServerKind, Double> stackCpuSeconds, double driverCpuSeconds) {

        double usersPerSecond() {
            return users / (took.toNanos() / 1e9);
        }

        double rowsPerSecond() {
            return rows / (took.toNanos() / 1e9);
        }
    }

    /** Reads the run's user ids from users_by_run, its rows from every table, and times writing them into a copy. */
    Result measure(UUID runId) throws InterruptedException {
        Set<UUID> userIds = userIdsOf(runId);
        log.accept("ceiling: run %s has %,d users in users_by_run; loading their rows ...".formatted(runId, userIds.size()));
        long loadBegan = System.nanoTime();
        List<TableRows> tables = new ArrayList<>();
        for (TableMetadata table : keyspaceMetadata().getTables().values()) {
            if (!NOT_USER_DATA.contains(table.getName().asInternal())) {
                TableRows rows = rowsOf(table, userIds, runId);
                log.accept("ceiling:   %-28s %,9d rows".formatted(table.getName().asInternal(), rows.rows().size()));
                tables.add(rows);
            }
        }
        log.accept("ceiling: loaded in %.1f s; creating keyspace %s".formatted((System.nanoTime() - loadBegan) / 1e9, CEILING_KEYSPACE));
        createCopy();
        try {
            return writeAll(userIds.size(), tables);
        } finally {
            session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + CEILING_KEYSPACE).setTimeout(Duration.ofMinutes(2)));
        }
    }

    private Set<UUID> userIdsOf(UUID runId) {
        Set<UUID> ids = new HashSet<>();
        TableMetadata byRun = keyspaceMetadata().getTable("users_by_run")
                .orElseThrow(() -> new IllegalStateException(keyspace + ".users_by_run does not exist"));
        // The run's shards, from the table's partition keys (a cheap scan: no rows are read).
        List<Object> shards = new ArrayList<>();
        for (Row row : session.execute(SimpleStatement.newInstance("SELECT DISTINCT run_id, shard FROM " + keyspace + "."
                + byRun.getName().asCql(true)).setPageSize(5000).setTimeout(Duration.ofMinutes(1)))) {
            if (runId.equals(row.getUuid("run_id"))) {
                shards.add(row.getObject("shard"));
            }
        }
        for (Object shard : shards) {
            for (Row row : session.execute(SimpleStatement.newInstance(
                    "SELECT user_id FROM " + keyspace + "." + byRun.getName().asCql(true) + " WHERE run_id = ? AND shard = ?", runId, shard)
                    .setPageSize(5000).setTimeout(Duration.ofSeconds(30)))) {
                ids.add(row.getUuid(0));
            }
        }
        return ids;
    }

    /**
     * A table keyed by user id alone is read user by user; other tables with a user_id (or run_id)
     * column are scanned and filtered; the rest is copied whole.
     */
    private TableRows rowsOf(TableMetadata table, Set<UUID> userIds, UUID runId) throws InterruptedException {
        List<CqlIdentifier> columns = List.copyOf(table.getColumns().keySet());
        String select = "SELECT " + columns.stream().map(c -> c.asCql(true)).collect(Collectors.joining(", "))
                + " FROM " + keyspace + "." + table.getName().asCql(true);
        boolean hasUser = table.getColumn("user_id").isPresent();
        boolean hasRun = table.getColumn("run_id").isPresent();
        List<ColumnMetadata> partitionKey = table.getPartitionKey();
        ConcurrentLinkedQueue<Object[]> rows = new ConcurrentLinkedQueue<>();
        if (partitionKey.size() == 1 && partitionKey.get(0).getName().asInternal().equals("user_id")) {
            PreparedStatement byUser = session.prepare(select + " WHERE user_id = ?");
            Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
            List<CompletableFuture<?>> reads = new ArrayList<>();
            for (UUID userId : userIds) {
                inFlight.acquire();
                reads.add(session.executeAsync(byUser.bind(userId)).toCompletableFuture().whenComplete((result, error) -> {
                    inFlight.release();
                    if (error == null) {
                        for (Row row : result.currentPage()) {
                            rows.add(values(row, columns.size()));
                        }
                    }
                }));
            }
            CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
        } else {
            for (Row row : session.execute(SimpleStatement.newInstance(select).setPageSize(5000).setTimeout(Duration.ofMinutes(1)))) {
                boolean wanted = hasUser ? userIds.contains(row.getUuid("user_id"))
                        : !hasRun || runId.equals(row.getUuid("run_id"));
                if (wanted) {
                    rows.add(values(row, columns.size()));
                }
            }
        }
        return new TableRows(table, columns, new ArrayList<>(rows));
    }

    private static Object[] values(Row row, int columns) {
        Object[] values = new Object[columns];
        for (int i = 0; i < columns; i++) {
            values[i] = row.getObject(i);
        }
        return values;
    }

    /** The keyspace's tables and their indexes, from the driver's schema metadata, in a keyspace of their own. */
    private void createCopy() {
        session.execute(SimpleStatement.newInstance("DROP KEYSPACE IF EXISTS " + CEILING_KEYSPACE).setTimeout(Duration.ofMinutes(2)));
        KeyspaceMetadata source = keyspaceMetadata();
        String replication = source.getReplication().entrySet().stream()
                .map(e -> "'" + e.getKey() + "': '" + e.getValue() + "'")
                .collect(Collectors.joining(", ", "{", "}"));
        session.execute(SimpleStatement.newInstance("CREATE KEYSPACE " + CEILING_KEYSPACE + " WITH replication = " + replication)
                .setTimeout(Duration.ofMinutes(1)));
        // describe(false) quotes every name ("userstream"."users"); describe(true) only where needed.
        String name = source.getName().asInternal();
        Pattern qualified = Pattern.compile("(\"" + Pattern.quote(name) + "\"|\\b" + Pattern.quote(name) + ")\\.");
        for (TableMetadata table : source.getTables().values()) {
            if (NOT_USER_DATA.contains(table.getName().asInternal())) {
                continue;
            }
            List<String> statements = new ArrayList<>();
            statements.add(table.describe(false));
            for (IndexMetadata index : table.getIndexes().values()) {
                statements.add(index.describe(false));
            }
            for (String cql : statements) {
                String renamed = qualified.matcher(cql).replaceAll(Matcher.quoteReplacement(CEILING_KEYSPACE + "."));
                session.execute(SimpleStatement.newInstance(renamed).setTimeout(Duration.ofMinutes(1)));
            }
        }
    }

    private Result writeAll(int users, List<TableRows> tables) throws InterruptedException {
        // Statements are bound before the clock starts, like the store, whose statements exist before it writes them.
        List<BoundStatement> statements = new ArrayList<>();
        Map<String, Integer> rowsByTable = new LinkedHashMap<>();
        for (TableRows table : tables) {
            PreparedStatement insert = session.prepare("INSERT INTO " + CEILING_KEYSPACE + "." + table.table().getName().asCql(true)
                    + " (" + table.columns().stream().map(c -> c.asCql(true)).collect(Collectors.joining(", ")) + ") VALUES ("
                    + table.columns().stream().map(c -> "?").collect(Collectors.joining(", ")) + ")");
            for (Object[] row : table.rows()) {
                statements.add(insert.bind(row).setConsistencyLevel(WRITE_CONSISTENCY).setIdempotent(true));
            }
            rowsByTable.put(table.table().getName().asInternal(), table.rows().size());
        }
        // Round-robin over the submitters, so each gets a share of every table.
        List<List<BoundStatement>> slices = new ArrayList<>();
        for (int i = 0; i < SUBMITTERS; i++) {
            slices.add(new ArrayList<>());
        }
        for (int i = 0; i < statements.size(); i++) {
            slices.get(i % SUBMITTERS).add(statements.get(i));
        }
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        AtomicLong failed = new AtomicLong();
        log.accept("ceiling: writing %,d rows (%,d users) with %d threads, at most %d in flight ...".formatted(
                statements.size(), users, SUBMITTERS, MAX_IN_FLIGHT));
        processes.awaitQuiet(log);
        Map<ServerKind, Double> stackCpuBefore = processes.cpuSeconds();
        Duration driverCpuBefore = ownCpu();
        long began = System.nanoTime();
        List<Thread> submitters = new ArrayList<>();
        for (List<BoundStatement> slice : slices) {
            submitters.add(startThread("ceiling-writer", () -> {
                for (BoundStatement statement : slice) {
                    inFlight.acquireUninterruptibly();
                    session.executeAsync(statement).whenComplete((result, error) -> {
                        if (error != null) {
                            failed.incrementAndGet();
                        }
                        inFlight.release();
                    });
                }
            }));
        }
        for (Thread submitter : submitters) {
            submitter.join();
        }
        inFlight.acquire(MAX_IN_FLIGHT); // every write answered
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        Map<ServerKind, Double> stackCpu = processes.cpuSecondsSince(stackCpuBefore);
        double driverCpu = ownCpu().minus(driverCpuBefore).toNanos() / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " ceiling writes failed");
        }
        return new Result(users, statements.size(), rowsByTable, took, stackCpu, driverCpu);
    }

    private static Duration ownCpu() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow();
    }

    private static Thread startThread(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.start();
        return thread;
    }

    private KeyspaceMetadata keyspaceMetadata() {
        return session.getMetadata().getKeyspace(keyspace)
                .orElseThrow(() -> new IllegalStateException("keyspace " + keyspace + " does not exist"));
    }
}
