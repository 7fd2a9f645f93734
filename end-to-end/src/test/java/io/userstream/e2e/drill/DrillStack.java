package io.userstream.e2e.drill;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.Supervisor;
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
 * The whole pipeline for drills: every real server, the three services and Airflow on free ports (a stack of
 * its own, state under target/), the randomuser.me stand-in, and a supervisor that starts crashed servers
 * again as {@code ./pipeline up}'s does. Checks read Cassandra and Kafka directly through it.
 */
final class DrillStack implements AutoCloseable {

    final LocalStack stack;
    final TroubledRandomUserApi randomUser = new TroubledRandomUserApi();
    private final MockWebServer randomUserServer = new MockWebServer();
    private final Supervisor supervisor;
    private CqlSession cassandra;

    DrillStack(Consumer<String> log) {
        try {
            randomUserServer.setDispatcher(randomUser);
            randomUserServer.start();
            Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
            // Below target/, not /tmp: as root, PostgreSQL runs as nobody, who cannot enter private temporary folders.
            Path state = Files.createTempDirectory(target, "drills-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            stack = LocalStack.attached(state, Ports.ephemeral(), line -> log.accept("[stack] " + line));
            stack.withServiceProperties(ServerKind.INGEST, Map.of(
                    "ingest.randomuser.base-url", randomUserServer.url("/api/1.4/").toString(),
                    // The stand-in has no per-IP limit; pacing at randomuser.me's 66 users/s would make each drill an hour.
                    "ingest.randomuser.pacing.users-per-window", "1000000"));
            stack.start(EnumSet.allOf(ServerKind.class));
            supervisor = Supervisor.watch(stack, line -> log.accept("[supervisor] " + line));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A session to the stack's Cassandra, opened on first use; it reconnects by itself after an outage. */
    synchronized CqlSession cassandra() {
        if (cassandra == null) {
            cassandra = CqlSession.builder()
                    .addContactPoint(new InetSocketAddress("127.0.0.1", stack.ports().cassandra()))
                    .withLocalDatacenter(stack.cassandraLocalDatacenter())
                    .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                            .build())
                    .build();
        }
        return cassandra;
    }

    @Override
    public void close() {
        supervisor.close();
        if (cassandra != null) {
            cassandra.close();
        }
        stack.close();
        randomUserServer.close();
    }
}
