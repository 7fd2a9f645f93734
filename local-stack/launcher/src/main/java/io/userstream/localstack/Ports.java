package io.userstream.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every port one stack binds: the client port of each server plus the internal ones (Kafka's
 * controller listener, Cassandra's storage port, Airflow's worker log server), and each service's HTTP
 * port ({@code server.port}: its API and Actuator).
 */
public record Ports(int kafka, int kafkaController, int registry, int cassandra, int cassandraStorage, int postgres,
                    int airflow, int airflowWorkerLogs,
                    int ingest, int store, int processor, int console) {

    private static final int COUNT = 12;

    /** The Docker Compose host ports: what {@code ./pipeline up} uses unless told otherwise. */
    public static Ports defaults() {
        return new Ports(9092, 9093, 8081, 9042, 7000, 5432, 8080, 8793, 8082, 8083, 8084, 8085);
    }

    /** Free ports picked by the OS, so tests never collide with a running {@code ./pipeline up}. */
    public static Ports ephemeral() {
        // All sockets stay open until every port is picked, so no port is handed out twice.
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < COUNT; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            int[] p = sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
            return new Ports(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11]);
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a listening socket we own does not fail in a way that matters here
                }
            }
        }
    }

    /**
     * The ports of server or instance {@code number} of a kind ({@link Topology}): every port + 100 × (number − 1), so
     * kafka-2 listens on 9192 and ingest-service-2 on 8182, as in docker-compose.cluster.yml.
     */
    public Ports forNumber(int number) {
        int shift = 100 * (number - 1);
        return new Ports(kafka + shift, kafkaController + shift, registry + shift, cassandra + shift, cassandraStorage + shift,
                postgres + shift, airflow + shift, airflowWorkerLogs + shift, ingest + shift, store + shift, processor + shift,
                console + shift);
    }

    /** The inverse of {@link #fromEnvironment}. */
    public Map<String, String> asEnvironment() {
        return Map.ofEntries(
                Map.entry("KAFKA_PORT", String.valueOf(kafka)),
                Map.entry("KAFKA_CONTROLLER_PORT", String.valueOf(kafkaController)),
                Map.entry("SCHEMA_REGISTRY_PORT", String.valueOf(registry)),
                Map.entry("CASSANDRA_PORT", String.valueOf(cassandra)),
                Map.entry("CASSANDRA_STORAGE_PORT", String.valueOf(cassandraStorage)),
                Map.entry("POSTGRES_PORT", String.valueOf(postgres)),
                Map.entry("AIRFLOW_PORT", String.valueOf(airflow)),
                Map.entry("AIRFLOW_WORKER_LOG_PORT", String.valueOf(airflowWorkerLogs)),
                Map.entry("INGEST_PORT", String.valueOf(ingest)),
                Map.entry("USER_STORE_PORT", String.valueOf(store)),
                Map.entry("STREAM_PROCESSOR_PORT", String.valueOf(processor)),
                Map.entry("CONSOLE_PORT", String.valueOf(console)));
    }

    /** Reads overrides such as {@code KAFKA_PORT=19092} from the given environment. */
    public static Ports fromEnvironment(Map<String, String> env) {
        Ports d = defaults();
        return new Ports(
                intOr(env, "KAFKA_PORT", d.kafka),
                intOr(env, "KAFKA_CONTROLLER_PORT", d.kafkaController),
                intOr(env, "SCHEMA_REGISTRY_PORT", d.registry),
                intOr(env, "CASSANDRA_PORT", d.cassandra),
                intOr(env, "CASSANDRA_STORAGE_PORT", d.cassandraStorage),
                intOr(env, "POSTGRES_PORT", d.postgres),
                intOr(env, "AIRFLOW_PORT", d.airflow),
                intOr(env, "AIRFLOW_WORKER_LOG_PORT", d.airflowWorkerLogs),
                intOr(env, "INGEST_PORT", d.ingest),
                intOr(env, "USER_STORE_PORT", d.store),
                intOr(env, "STREAM_PROCESSOR_PORT", d.processor),
                intOr(env, "CONSOLE_PORT", d.console));
    }

    public int clientPort(ServerKind kind) {
        return switch (kind) {
            case KAFKA -> kafka;
            case REGISTRY -> registry;
            case CASSANDRA -> cassandra;
            case POSTGRES -> postgres;
            case AIRFLOW -> airflow;
            case INGEST -> ingest;
            case STORE -> store;
            case PROCESSOR -> processor;
            case CONSOLE -> console;
        };
    }

    /** Every port the server binds, client port first. */
    public int[] boundBy(ServerKind kind) {
        return switch (kind) {
            case KAFKA -> new int[] {kafka, kafkaController};
            case REGISTRY -> new int[] {registry};
            case CASSANDRA -> new int[] {cassandra, cassandraStorage};
            case POSTGRES -> new int[] {postgres};
            case AIRFLOW -> new int[] {airflow, airflowWorkerLogs};
            case INGEST -> new int[] {ingest};
            case STORE -> new int[] {store};
            case PROCESSOR -> new int[] {processor};
            case CONSOLE -> new int[] {console};
        };
    }

    /** True when something accepts TCP connections on 127.0.0.1:port. */
    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails fast, naming the port and the server, when a port is taken. */
    static void requireFree(ServerKind kind, int port) {
        requireFree(kind, "127.0.0.1", port);
    }

    /** The same on another loopback address (a cluster's Cassandra node n listens on 127.0.0.n). */
    static void requireFree(ServerKind kind, String address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        } catch (IOException e) {
            throw new PortInUseException(kind, address, port);
        }
    }

    private static int intOr(Map<String, String> env, String key, int fallback) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a port number, was '" + value + "'");
        }
    }
}
