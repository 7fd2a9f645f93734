package io.userstream.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

/**
 * How many of each server a stack runs: {@link #single()}, one of everything, or {@code nodes} Kafka brokers and
 * Cassandra nodes with two instances of ingest-service, stream-processor and user-store-service
 * ({@code ./pipeline up --nodes 3}). The registry, PostgreSQL, Airflow and the console run once either way.
 *
 * <p>Node or instance n listens on its kind's ports + 100 × (n − 1) ({@link Ports#forNumber}), as in
 * docker-compose.cluster.yml; Cassandra node n on 127.0.0.n instead, with the same ports, as a cluster's nodes would.
 * A state folder keeps the topology it was made with ({@value #FILE}): a KRaft quorum and a Cassandra ring cannot
 * change their size by a restart, so another one is refused.
 */
public record Topology(int nodes) {

    static final String FILE = "topology.properties";
    /** Replicas of a topic, a keyspace or system_auth: 3 where there are 3 nodes or more. */
    private static final int MAX_REPLICAS = 3;
    private static final int MAX_NODES = 9;

    public Topology {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes must be between 1 and " + MAX_NODES + ", was " + nodes);
        }
    }

    public static Topology single() {
        return new Topology(1);
    }

    public boolean isCluster() {
        return nodes > 1;
    }

    /** How many servers of a kind run. */
    public int instances(ServerKind kind) {
        return switch (kind) {
            case KAFKA, CASSANDRA -> nodes;
            case INGEST, PROCESSOR, STORE -> Math.min(nodes, 2);
            case REGISTRY, POSTGRES, AIRFLOW, CONSOLE -> 1;
        };
    }

    public List<ServerId> servers(ServerKind kind) {
        return IntStream.rangeClosed(1, instances(kind)).mapToObj(number -> new ServerId(kind, number)).toList();
    }

    /** Replicas of every topic (and of the brokers' internal topics), of the store's keyspace and of system_auth. */
    public int replicas() {
        return Math.min(nodes, MAX_REPLICAS);
    }

    /** In-sync replicas a write with acks=all needs: all but one, so one broker may be lost. */
    public int minInSyncReplicas() {
        return Math.max(1, replicas() - 1);
    }

    /**
     * The topology a state folder was made with (single when it holds none yet). {@code asked}, when not null, must
     * be that one; a new folder records it.
     */
    static Topology of(Path stateDir, Topology asked) {
        Path file = stateDir.resolve(FILE);
        Topology recorded = null;
        if (Files.exists(file)) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            recorded = new Topology(Integer.parseInt(properties.getProperty("nodes", "1").trim()));
        } else if (Files.exists(stateDir.resolve(ServerKind.KAFKA.displayName()))) {
            recorded = single(); // made before topologies were recorded
        }
        if (asked == null) {
            return recorded == null ? single() : recorded;
        }
        if (recorded != null && !recorded.equals(asked)) {
            throw new IllegalArgumentException("%s was made with --nodes %d; a KRaft quorum and a Cassandra ring cannot change their size"
                    .formatted(stateDir, recorded.nodes()) + " by a restart. Run it with --nodes " + recorded.nodes()
                    + ", or use another state folder (PIPELINE_STATE_DIR) for --nodes " + asked.nodes());
        }
        if (recorded == null) {
            try {
                Files.createDirectories(stateDir);
                Properties properties = new Properties();
                properties.setProperty("nodes", String.valueOf(asked.nodes()));
                try (Writer writer = Files.newBufferedWriter(file)) {
                    properties.store(writer, "Userstream local stack: the number of Kafka brokers and Cassandra nodes (./pipeline up --nodes)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
        return asked;
    }
}
