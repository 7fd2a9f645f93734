package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker-compose.yml with its overlay docker-compose.cluster.yml, merged as {@code docker compose -f docker-compose.yml
 * -f docker-compose.cluster.yml} merges them: every check of the base file ({@link ComposeFileTest}) holds for the
 * cluster too, and the cluster is what it says: three Kafka brokers in one KRaft quorum that lose no acknowledged write
 * when one is down, three Cassandra nodes holding every row and every role three times, and two instances of
 * ingest-service, stream-processor and user-store-service configured alike.
 */
class ClusterComposeFileTest extends ComposeFileTest {

    private static final int NODES = 3;
    /** Services that run twice, and whether the second answers to the first's name inside the network. */
    private static final Map<ServerKind, Boolean> TWICE = Map.of(ServerKind.INGEST, true, ServerKind.PROCESSOR, false, ServerKind.STORE, true);

    @Override
    protected List<String> composeFiles() {
        return List.of("docker-compose.yml", "docker-compose.cluster.yml");
    }

    static Stream<ServerKind> servicesThatRunTwice() {
        return TWICE.keySet().stream().sorted();
    }

    // --- Kafka ---------------------------------------------------------------------------------------------------

    /** Three combined brokers/controllers with their own ids and data, one quorum of all three, one cluster id. */
    @Test
    void threeBrokersFormOneQuorum() {
        List<String> brokers = compose.brokers();
        assertThat(brokers).as("Kafka brokers").hasSize(NODES);
        List<String> voters = new ArrayList<>();
        for (String broker : brokers) {
            Map<String, String> settings = compose.brokerSettings(broker);
            Matcher controller = Pattern.compile("CONTROLLER://[^:]+:(\\d+)").matcher(settings.get("listeners"));
            assertThat(controller.find()).as("%s: a CONTROLLER listener in %s", broker, settings.get("listeners")).isTrue();
            voters.add(settings.get("node.id") + "@" + broker + ":" + controller.group(1));
            assertThat(settings.get("process.roles")).as("%s: process.roles", broker).isEqualTo("broker,controller");
            assertThat(compose.environment(broker).get("CLUSTER_ID")).as("%s: CLUSTER_ID", broker)
                    .isEqualTo(compose.environment(brokers.get(0)).get("CLUSTER_ID"));
            assertThat(settings.get("advertised.listeners")).as("%s: advertised listeners", broker).contains("INTERNAL://" + broker + ":");
            assertThat(compose.healthcheck(broker)).as("%s: healthcheck asks this broker", broker).contains("--bootstrap-server " + broker + ":");
        }
        assertThat(voters).as("node ids").doesNotHaveDuplicates();
        for (String broker : brokers) {
            assertThat(List.of(compose.brokerSettings(broker).get("controller.quorum.voters").split(",")))
                    .as("%s: controller.quorum.voters", broker).containsExactlyInAnyOrderElementsOf(voters);
        }
        assertDataVolumesDistinct(brokers, "/var/lib/kafka/data");
    }

    /**
     * A host client reaches each broker at the address it advertises on the HOST listener: its published host port,
     * local mode's port + 100 × (n - 1).
     */
    @Test
    void eachBrokerAdvertisesTheHostPortItPublishes() {
        List<String> brokers = compose.brokers();
        for (int n = 1; n <= brokers.size(); n++) {
            String broker = brokers.get(n - 1);
            Matcher host = Pattern.compile("HOST://localhost:(\\d+)").matcher(compose.brokerSettings(broker).get("advertised.listeners"));
            assertThat(host.find()).as("%s advertises a HOST listener", broker).isTrue();
            int port = Ports.defaults().kafka() + 100 * (n - 1);
            assertThat(Integer.parseInt(host.group(1))).as("%s: advertised host port", broker).isEqualTo(port);
            assertThat(compose.ports(broker)).as("%s: published ports", broker).anySatisfy(mapping -> assertThat(mapping[0]).isEqualTo(port));
        }
    }

    /**
     * One broker may be lost without losing an acknowledged write: every topic (the pipeline's, the internal ones, the
     * registry's and Control Center's) has 3 replicas, a write needs 2 in sync (acks=all), and an out-of-sync replica
     * never becomes leader.
     */
    @Test
    void everyTopicHasThreeReplicasTwoInSyncAndNoUncleanElection() {
        for (String broker : compose.brokers()) {
            assertThat(compose.brokerSettings(broker)).as("%s: broker settings", broker)
                    .containsEntry("default.replication.factor", "3")
                    .containsEntry("min.insync.replicas", "2")
                    .containsEntry("unclean.leader.election.enable", "false")
                    .containsEntry("offsets.topic.replication.factor", "3")
                    .containsEntry("transaction.state.log.replication.factor", "3")
                    .containsEntry("transaction.state.log.min.isr", "2");
        }
        for (ServerKind service : ServerKind.services()) {
            ServiceConfiguration configuration = configurations.get(service);
            assertThat(configuration.propertyOrDefault("userstream.topics.replication-factor")).as("%s: replication factor", configuration.name())
                    .isEqualTo("3");
            assertThat(configuration.propertyOrDefault("userstream.topics.min-insync-replicas")).as("%s: min.insync.replicas", configuration.name())
                    .isEqualTo("2");
        }
        for (ServerKind producer : List.of(ServerKind.INGEST, ServerKind.STORE, ServerKind.CONSOLE)) {
            assertThat(configurations.get(producer).property("spring.kafka.producer.acks")).as("%s: acks", producer.displayName()).isEqualTo("all");
        }
        assertThat(compose.environment("schema-registry")).containsEntry("SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR", "3");
        assertThat(compose.environment("control-center")).containsEntry("CONTROL_CENTER_REPLICATION_FACTOR", "3")
                .containsEntry("CONFLUENT_METRICS_TOPIC_REPLICATION", "3");
    }

    /** Every Kafka client starts from all three brokers, so a start while one is down still finds the cluster. */
    @Test
    void everyKafkaClientCanStartFromAnyBroker() {
        List<String> everyBroker = compose.brokers().stream().map(broker -> broker + ":29092").toList();
        for (ServerKind service : ServerKind.services()) {
            assertThat(List.of(configurations.get(service).property("spring.kafka.bootstrap-servers").split(",")))
                    .as("%s: bootstrap servers", service.displayName()).containsExactlyInAnyOrderElementsOf(everyBroker);
        }
        assertThat(compose.environment("schema-registry").get("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"))
                .isEqualTo(String.join(",", everyBroker.stream().map(broker -> "SASL_PLAINTEXT://" + broker).toList()));
        assertThat(compose.environment("control-center").get("CONTROL_CENTER_BOOTSTRAP_SERVERS")).isEqualTo(String.join(",", everyBroker));
        assertThat(compose.environment("kafka-init").get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo(String.join(",", everyBroker));
        for (String client : List.of("kafka-init", "schema-registry", "control-center", "ingest-service", "stream-processor",
                "user-store-service", "console")) {
            for (String broker : compose.brokers()) {
                assertThat(compose.dependsOn(client)).as("%s waits for %s", client, broker).containsEntry(broker, "service_healthy");
            }
        }
    }

    // --- Cassandra -----------------------------------------------------------------------------------------------

    /** Three nodes of one cluster and data center, seeded by nodes of the file, each with its own data, joining one at a time. */
    @Test
    void threeCassandraNodesInOneDataCenterJoinOneAfterTheOther() {
        List<String> nodes = compose.cassandraNodes();
        assertThat(nodes).as("Cassandra nodes").hasSize(NODES);
        Map<String, String> first = compose.environment(nodes.get(0));
        for (String node : nodes) {
            Map<String, String> env = compose.environment(node);
            assertThat(env.get("CASSANDRA_CLUSTER_NAME")).as("%s: cluster", node).isEqualTo(first.get("CASSANDRA_CLUSTER_NAME"));
            assertThat(env.get("CASSANDRA_DC")).as("%s: data center", node).isEqualTo(first.get("CASSANDRA_DC"));
            assertThat(List.of(env.get("CASSANDRA_SEEDS").split(","))).as("%s: seeds are nodes of the file", node).isSubsetOf(nodes);
            // A lone node may skip the wait for gossip; a node of a ring must not.
            assertThat(env.getOrDefault("JVM_EXTRA_OPTS", "")).as("%s: JVM_EXTRA_OPTS", node)
                    .doesNotContain("skip_wait_for_gossip_to_settle", "ring_delay_ms");
        }
        for (int n = 1; n < nodes.size(); n++) {
            assertThat(compose.dependsOn(nodes.get(n))).as("%s joins once %s is up", nodes.get(n), nodes.get(n - 1))
                    .containsEntry(nodes.get(n - 1), "service_healthy");
        }
        assertDataVolumesDistinct(nodes, "/var/lib/cassandra");
    }

    /**
     * Every row and every role on all three nodes (the store's keyspace and system_auth in the nodes' data center), read
     * and written at LOCAL_QUORUM: a node may be down and nothing acknowledged is lost, no login locked out.
     */
    @Test
    void everyRowAndRoleHasAReplicaOnEveryNode() {
        ServiceConfiguration store = configurations.get(ServerKind.STORE);
        String dataCenter = compose.environment(compose.cassandraNodes().get(0)).get("CASSANDRA_DC");
        assertThat(store.property("userstream.store.cassandra.replication").replace(" ", ""))
                .isEqualTo("{'class':'NetworkTopologyStrategy','" + dataCenter + "':" + NODES + "}");
        assertThat(store.propertyOrDefault("userstream.store.cassandra.write-consistency")).isEqualTo("LOCAL_QUORUM");
        assertThat(store.propertyOrDefault("userstream.store.cassandra.read-consistency")).isEqualTo("LOCAL_QUORUM");
        assertThat(List.of(store.property("spring.cassandra.contact-points").split(",")))
                .containsExactlyInAnyOrderElementsOf(compose.cassandraNodes().stream().map(node -> node + ":9042").toList());
        assertThat(compose.environment("cassandra-init")).containsEntry("CASSANDRA_SYSTEM_AUTH_REPLICAS", String.valueOf(NODES));
        for (String node : compose.cassandraNodes()) {
            assertThat(compose.dependsOn("cassandra-init")).as("cassandra-init waits for %s", node).containsEntry(node, "service_healthy");
        }
    }

    // --- Two instances of a service ------------------------------------------------------------------------------

    /**
     * The second instance is the first on another host port (+100): the same image and configuration, so the same
     * principal, topics, consumer group and run ledger; answering, inside the network, to the first's name when clients
     * call it (Airflow, the console), so they reach whichever is up.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servicesThatRunTwice")
    void theSecondInstanceIsTheFirstOnAnotherHostPort(ServerKind service) throws IOException {
        String first = service.displayName();
        String second = first + "-2";
        ServiceConfiguration configuration = ServiceConfiguration.of(compose, service, second);
        configuration.assertEnvironmentBinds();
        configuration.assertPorts(Ports.defaults().clientPort(service) + 100);
        configuration.assertDockerfile();
        assertThat(compose.environment(second)).as("%s's environment", second).isEqualTo(compose.environment(first));
        assertThat(compose.dependsOn(second)).as("%s waits for what %s waits for", second, first).isEqualTo(compose.dependsOn(first));
        assertThat(compose.service(second).get("hostname")).as("%s: hostname (ingest's instance id defaults to it)", second).isNull();
        assertThat(compose.networkAliases(second)).as("%s: its names in the network", second)
                .isEqualTo(TWICE.get(service) ? List.of(first) : List.of());
    }

    /** stream-processor keeps a standby replica of every state store on the other instance. */
    @Test
    void theProcessorsKeepAStandbyReplicaOfTheirState() {
        for (String name : List.of("stream-processor", "stream-processor-2")) {
            assertThat(compose.environment(name)).as(name).containsEntry("SPRING_KAFKA_STREAMS_PROPERTIES_NUM_STANDBY_REPLICAS", "1");
        }
    }

    private void assertDataVolumesDistinct(List<String> nodes, String dataPath) {
        Set<String> volumes = new HashSet<>();
        for (String node : nodes) {
            String volume = compose.mounts(node).entrySet().stream().filter(mount -> mount.getValue().equals(dataPath))
                    .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError(node + " mounts nothing at " + dataPath));
            assertThat(volumes.add(volume)).as("%s keeps its data in a volume of its own, not %s", node, volume).isTrue();
        }
    }
}
