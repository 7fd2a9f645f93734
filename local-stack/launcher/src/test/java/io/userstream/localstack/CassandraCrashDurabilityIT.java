package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The promise user-store-service builds on: a write the lone local Cassandra node acknowledged is
 * still there after a kill -9 of its process. The store commits a batch's offsets once Cassandra has
 * acknowledged its rows, so an acknowledged write lost in a crash is a user lost for good.
 */
class CassandraCrashDurabilityIT {

    private static final int ACKNOWLEDGED_BEFORE_KILL = 20_000;

    private final Path stateDir = StateDirs.newUnderTarget();
    private final List<String> progress = new CopyOnWriteArrayList<>();
    private LocalStack stack;

    @AfterEach
    void closeStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyAcknowledgedWriteIsReadableAfterAKillMinus9() throws Exception {
        stack = LocalStack.attached(stateDir, Ports.ephemeral(), progress::add);
        stack.start(ServerKind.CASSANDRA);
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        int sent = 0;
        try (CqlSession session = connect()) {
            session.execute("CREATE KEYSPACE durability WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            session.execute("CREATE TABLE durability.acknowledged (id int PRIMARY KEY, payload text)");
            PreparedStatement insert = session.prepare("INSERT INTO durability.acknowledged (id, payload) VALUES (?, ?)");
            String payload = "x".repeat(500); // about the size of a stored user's row
            // Writes keep flowing, as the store's do, until the kill: acknowledgements of the last moments are the ones at risk.
            Semaphore inFlight = new Semaphore(128);
            ProcessHandle cassandra = ProcessHandle.of(stack.pid(ServerKind.CASSANDRA).orElseThrow()).orElseThrow();
            while (acknowledged.size() < ACKNOWLEDGED_BEFORE_KILL) {
                inFlight.acquire();
                int id = sent++;
                session.executeAsync(insert.bind(id, payload)).whenComplete((result, error) -> {
                    if (error == null) {
                        acknowledged.add(id);
                    }
                    inFlight.release();
                });
            }
            cassandra.destroyForcibly(); // kill -9, writes still in flight
            cassandra.onExit().get(60, TimeUnit.SECONDS);
        }
        Set<Integer> acknowledgedBeforeDeath = Set.copyOf(acknowledged);
        assertThat(sent).isGreaterThan(acknowledgedBeforeDeath.size()); // the kill did land mid-stream

        assertThat(new Supervisor(stack, progress::add).restartCrashed()).containsExactly(ServerId.first(ServerKind.CASSANDRA));
        Set<Integer> readable = new HashSet<>();
        try (CqlSession session = connect()) {
            for (Row row : session.execute("SELECT id FROM durability.acknowledged")) {
                readable.add(row.getInt("id"));
            }
        }
        Set<Integer> lost = new HashSet<>(acknowledgedBeforeDeath);
        lost.removeAll(readable);
        assertThat(lost).as("%d of %d acknowledged writes are gone after kill -9 of Cassandra", lost.size(),
                acknowledgedBeforeDeath.size()).isEmpty();
    }

    private CqlSession connect() {
        String[] hostPort = stack.cassandraContactPoint().split(":");
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
                .withLocalDatacenter(stack.cassandraLocalDatacenter())
                .withAuthCredentials(stack.cassandraLogins().userStore().username(), stack.cassandraLogins().userStore().password())
                // Schema changes wait for agreement; the 2 s default is short on a busy 2-core machine.
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .build())
                .build();
    }
}
