package io.userstream.localstack.cli;

import io.userstream.localstack.Distributions;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.LocalStackException;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code ./pipeline} command: {@code up}, {@code down}, {@code status} and {@code logs} for the
 * servers on this machine. State (data, logs, PIDs, chosen ports) lives in {@code .local-stack/}
 * at the repository root.
 */
public final class PipelineCommand {

    private static final String USAGE = """
            usage: ./pipeline <command>
              up              start Kafka, the schema registry, Cassandra, PostgreSQL and Airflow on 127.0.0.1 (they keep running)
              status          each server's PID, port and health (exit code 1 if one is not healthy)
              logs <server>   the last lines of a server's log (kafka, schema-registry, cassandra, postgres, airflow)
              down            stop everything 'up' started
            state folder: PIPELINE_STATE_DIR (default .local-stack/)
            ports: KAFKA_PORT, KAFKA_CONTROLLER_PORT, SCHEMA_REGISTRY_PORT, CASSANDRA_PORT, CASSANDRA_STORAGE_PORT, POSTGRES_PORT,
                   AIRFLOW_PORT, AIRFLOW_WORKER_LOG_PORT, AIRFLOW_TRIGGERER_LOG_PORT
            """;

    private final Path stateDir;

    private PipelineCommand(Path stateDir) {
        this.stateDir = stateDir;
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.print(USAGE);
            System.exit(2);
        }
        String stateDir = System.getenv("PIPELINE_STATE_DIR");
        PipelineCommand command = new PipelineCommand(stateDir != null && !stateDir.isBlank()
                ? Path.of(stateDir).toAbsolutePath()
                : Distributions.locate().repositoryRoot().resolve(".local-stack"));
        try {
            int exit = switch (args[0]) {
                case "up" -> command.up();
                case "down" -> command.down();
                case "status" -> command.status();
                case "logs" -> command.logs(args);
                default -> {
                    System.err.print(USAGE);
                    yield 2;
                }
            };
            System.exit(exit);
        } catch (LocalStackException | IllegalArgumentException | IOException e) {
            System.err.println("pipeline " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private int up() throws IOException {
        long began = System.nanoTime();
        Ports ports = ports(true);
        System.out.println("Starting Kafka, schema registry, Cassandra, PostgreSQL and Airflow (state in " + stateDir + ") ...");
        // Not closed: a detached stack's servers keep running until ./pipeline down.
        LocalStack stack = LocalStack.detached(stateDir, ports, System.out::println);
        stack.start(EnumSet.allOf(ServerKind.class));
        System.out.printf("%nAll servers up in %.1f s:%n", (System.nanoTime() - began) / 1e9);
        System.out.println("  Kafka bootstrap servers          " + stack.kafkaBootstrapServers());
        System.out.println("  Schema Registry (Confluent API)  " + stack.schemaRegistryUrl());
        System.out.println("  Schema Registry UI               http://127.0.0.1:" + ports.registry() + "/ui");
        System.out.println("  Cassandra CQL                    " + stack.cassandraContactPoint()
                + " (datacenter " + stack.cassandraLocalDatacenter() + ")");
        System.out.println("  PostgreSQL                       " + stack.postgresJdbcUrl("postgres")
                + " (user " + stack.postgresUsername() + ", no password)");
        System.out.println("  Airflow UI                       " + stack.airflowUrl()
                + " (login " + stack.airflowLogin().orElse("admin / see .local-stack/airflow/simple_auth_manager_passwords.json.generated") + ")");
        System.out.println("Check them with ./pipeline status; stop them with ./pipeline down.");
        return 0;
    }

    private int down() throws IOException {
        LocalStack stack = LocalStack.detached(stateDir, ports(false), System.out::println);
        if (EnumSet.allOf(ServerKind.class).stream().noneMatch(stack::isRunning)) {
            System.out.println("Nothing is running (state in " + stateDir + ").");
            return 0;
        }
        stack.stopAll();
        return 0;
    }

    private int status() throws IOException {
        LocalStack stack = LocalStack.detached(stateDir, ports(false), line -> { });
        boolean allHealthy = true;
        System.out.printf("%-16s %-8s %-6s %s%n", "SERVER", "PID", "PORT", "HEALTH");
        for (ServerKind kind : ServerKind.values()) {
            boolean running = stack.isRunning(kind);
            boolean healthy = running && stack.isHealthy(kind);
            allHealthy &= healthy;
            System.out.printf("%-16s %-8s %-6d %s%n", kind.displayName(),
                    stack.pid(kind).map(String::valueOf).orElse("-"), stack.ports().clientPort(kind),
                    healthy ? "healthy" : running ? "NOT ANSWERING (see ./pipeline logs " + kind.displayName() + ")" : "stopped");
        }
        return allHealthy ? 0 : 1;
    }

    private int logs(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("which server? kafka, schema-registry, cassandra or postgres");
        }
        ServerKind kind = ServerKind.fromDisplayName(args[1]);
        Path log = LocalStack.detached(stateDir, ports(false), line -> { }).logFile(kind);
        if (!Files.exists(log)) {
            System.out.println("No log yet at " + log);
            return 1;
        }
        try (var lines = Files.lines(log)) {
            var all = lines.toList();
            all.subList(Math.max(0, all.size() - 100), all.size()).forEach(System.out::println);
        }
        System.out.println("(" + log + ")");
        return 0;
    }

    /** The ports of the running stack if 'up' recorded them, else the environment's or the defaults. */
    private Ports ports(boolean record) throws IOException {
        Path file = stateDir.resolve("ports.properties");
        if (!record && Files.exists(file)) {
            Properties saved = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                saved.load(reader);
            }
            Map<String, String> recorded = new HashMap<>();
            saved.stringPropertyNames().forEach(name -> recorded.put(name, saved.getProperty(name)));
            return Ports.fromEnvironment(recorded);
        }
        Ports ports = Ports.fromEnvironment(System.getenv());
        if (record) {
            Files.createDirectories(stateDir);
            Properties toSave = new Properties();
            toSave.putAll(ports.asEnvironment());
            try (Writer writer = Files.newBufferedWriter(file)) {
                toSave.store(writer, "ports chosen by ./pipeline up");
            }
        }
        return ports;
    }
}
