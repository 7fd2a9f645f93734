package io.userstream.localstack;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to prepare, run and probe one kind of server. The process itself is handled by
 * {@link ServerProcess}; implementations only describe it.
 */
sealed interface LocalServer permits KafkaServer, RegistryServer, CassandraServer, PostgresServer, AirflowServer, SpringBootService {

    ServerKind kind();

    /** Which server of its kind this is: the first, or node n of a cluster ({@link Topology}). */
    default ServerId id() {
        return ServerId.first(kind());
    }

    /** The loopback address it listens on: 127.0.0.1, or 127.0.0.n for a cluster's Cassandra node n. */
    default String address() {
        return "127.0.0.1";
    }

    /** Every port it binds on {@link #address()}: its kind's ports of the stack, + 100 × (n − 1) for server n. */
    default int[] boundPorts(Ports stackPorts) {
        return stackPorts.forNumber(id().number()).boundBy(kind());
    }

    /** Servers of its own kind that must answer before this one starts (a Cassandra node joins after the one before). */
    default Set<ServerId> startsAfter() {
        return Set.of();
    }

    /** The port clients connect to. */
    int clientPort();

    /** This server's folder under the stack's state folder: data, configuration and log. */
    Path home();

    default Path logFile() {
        return home().resolve(kind().displayName() + ".log");
    }

    /** Servers that must answer before this one starts. */
    default Set<ServerKind> requires() {
        return Set.of();
    }

    /**
     * Fails with a {@link DistributionMissingException} naming the build command when the files this
     * server runs from are missing; checked for every server before any starts.
     */
    default void requireInstalled() {
    }

    /** One-time set-up of the data folder (format, initdb, configuration files); a no-op when already done. */
    void prepare() throws IOException, InterruptedException;

    /** The command line of the server process. */
    List<String> command();

    default Map<String, String> environment() {
        return Map.of();
    }

    /** How long a start may take before it counts as failed (the process is then stopped). */
    default Duration readyTimeout() {
        return Duration.ofSeconds(120);
    }

    /** A real protocol round trip: true only when the server answered a request. */
    boolean answers();

    /**
     * Set-up that needs the running server (PostgreSQL's and Cassandra's roles), done after every start once it
     * answers and before anything that requires it starts: so it must be idempotent. A failure fails the start.
     */
    default void afterReady() {
    }

    /** Stops the process gracefully; {@link ServerProcess} falls back to SIGKILL after a grace period. */
    default void requestStop(ProcessHandle process) {
        process.destroy();
    }

    static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
