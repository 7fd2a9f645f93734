package io.userstream.e2e.drill;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.Supervisor;
import io.userstream.localstack.Topology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Consumer;
import mockwebserver3.MockWebServer;

/**
 * The whole pipeline for drills: every real server, the three services and Airflow, and whatever starts crashed
 * servers again. Either a stack of its own ({@link #start}: free ports, state under target/, the randomuser.me
 * stand-in, a supervisor thread like {@code ./pipeline up}'s), or one that {@code ./pipeline up} started
 * ({@link #on}: its own supervisor process restarts, as for a user). Checks read Cassandra and Kafka directly through it.
 */
public final class DrillStack implements AutoCloseable {

    final LocalStack stack;
    private final TroubledRandomUserApi randomUser;
    private final MockWebServer randomUserServer;
    private final Supervisor supervisor;
    private CqlSession cassandra;

    private DrillStack(LocalStack stack, TroubledRandomUserApi randomUser, MockWebServer randomUserServer, Supervisor supervisor) {
        this.stack = stack;
        this.randomUser = randomUser;
        this.randomUserServer = randomUserServer;
        this.supervisor = supervisor;
    }

    /** A stack of its own, its ingest-service reading the randomuser.me stand-in, closed (stopped) with this object. */
    public static DrillStack start(Consumer<String> log) {
        return start(Topology.single(), log);
    }

    /** The same with the given topology: a cluster's drills ({@link Fault#cluster}). */
    public static DrillStack start(Topology topology, Consumer<String> log) {
        TroubledRandomUserApi randomUser = new TroubledRandomUserApi();
        MockWebServer randomUserServer = new MockWebServer();
        try {
            randomUserServer.setDispatcher(randomUser);
            randomUserServer.start();
            Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
            // Below target/, not /tmp: as root, PostgreSQL runs as nobody, who cannot enter private temporary folders.
            Path state = Files.createTempDirectory(target, "drills-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            LocalStack stack = LocalStack.attached(state, Ports.ephemeral(), topology, line -> log.accept("[stack] " + line));
            stack.withServiceProperties(ServerKind.INGEST, Map.of(
                    "ingest.randomuser.base-url", randomUserServer.url("/api/1.4/").toString(),
                    // The stand-in has no per-IP limit; pacing at randomuser.me's 66 users/s would make each drill an hour.
                    "ingest.randomuser.pacing.users-per-window", "1000000"));
            stack.start(EnumSet.allOf(ServerKind.class));
            return new DrillStack(stack, randomUser, randomUserServer, Supervisor.watch(stack, line -> log.accept("[supervisor] " + line)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The stack {@code ./pipeline up} started and keeps: its supervisor process restarts what a drill kills. Its
     * ingest-service reads the real randomuser.me, so only faker drills run on it. Closing leaves it running.
     */
    public static DrillStack on(LocalStack running) {
        return new DrillStack(running, null, null, null);
    }

    /** The randomuser.me stand-in the stack's ingest-service reads. */
    TroubledRandomUserApi randomUser() {
        if (randomUser == null) {
            throw new IllegalStateException("this stack's ingest-service reads the real randomuser.me, not the stand-in; "
                    + "randomuser.me drills need DrillStack.start");
        }
        return randomUser;
    }

    /**
     * A new session to the stack's Cassandra, replacing the last one: for the checks after a fault. The driver brings
     * an open session back to a restarted node only on its reconnection schedule (backing off up to a minute): a
     * check 4 s after a 60 s outage found no node to query, with the node up.
     */
    synchronized CqlSession reopenCassandra() {
        if (cassandra != null) {
            cassandra.close();
            cassandra = null;
        }
        return cassandra();
    }

    /** A session to the stack's Cassandra, opened on first use. */
    synchronized CqlSession cassandra() {
        if (cassandra == null) {
            cassandra = CqlSession.builder()
                    .addContactPoint(new InetSocketAddress("127.0.0.1", stack.ports().cassandra()))
                    .withLocalDatacenter(stack.cassandraLocalDatacenter())
                    .withAuthCredentials(stack.cassandraLogins().userStore().username(), stack.cassandraLogins().userStore().password())
                    .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                            // What the store writes with: on a cluster a read at ONE could miss a row a node that was
                            // down has not been handed yet, and count it lost.
                            .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
                            .build())
                    .build();
        }
        return cassandra;
    }

    @Override
    public void close() {
        if (cassandra != null) {
            cassandra.close();
        }
        if (supervisor != null) {
            supervisor.close();
            stack.close();
            randomUserServer.close();
        }
    }
}
