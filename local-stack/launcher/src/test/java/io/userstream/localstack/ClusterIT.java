package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code ./pipeline up --nodes 3}'s servers for real: three Kafka brokers in one KRaft quorum and three Cassandra nodes
 * on 127.0.0.1–3, each node then killed with SIGKILL. What must hold is what the pipeline builds on: a write
 * acknowledged with acks=all or at LOCAL_QUORUM survives the loss of one node, logins keep working, a second lost
 * Cassandra node makes LOCAL_QUORUM refuse (not drop) writes, and a killed node rejoins when started again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

    private static final Topology CLUSTER = new Topology(3);
    private static final Duration REJOIN = Duration.ofMinutes(2);

    private final Path stateDir = StateDirs.newUnderTarget();
    private final List<String> progress = new CopyOnWriteArrayList<>();
    private LocalStack stack;

    @BeforeAll
    void startCluster() {
        stack = LocalStack.attached(stateDir, Ports.ephemeral(), CLUSTER, progress::add);
        stack.start(Set.of(ServerKind.KAFKA, ServerKind.CASSANDRA));
    }

    @AfterAll
    void stopCluster() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void threeBrokersReplicateEveryTopicAndLoseNoAcknowledgedWriteWhenOneIsKilled() throws Exception {
        String topic = "cluster-drill";
        try (Admin admin = Admin.create(stack.kafkaClientProperties())) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(3);
            // The brokers' defaults: what a topic made without settings gets.
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()))).all().get(30, TimeUnit.SECONDS);
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            var settings = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
            assertThat(settings.get("min.insync.replicas").value()).isEqualTo("2");
            assertThat(settings.get("unclean.leader.election.enable").value()).isEqualTo("false");
            assertThat(settings.get("transaction.state.log.replication.factor").value()).isEqualTo("3");
        }

        ServerId second = new ServerId(ServerKind.KAFKA, 2);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            send(producer, topic, 0, 1000);
            kill(second);
            // Every partition led by the killed broker moves; with acks=all and 2 replicas in sync, nothing is lost.
            send(producer, topic, 1000, 2000);
        }
        assertThat(readAll(topic)).hasSize(2000);

        assertThat(new Supervisor(stack, progress::add).restartCrashed()).containsExactly(second);
        awaitFullIsr(topic);
    }

    @Test
    void threeCassandraNodesKeepEveryRowAndLoginWhenOneIsKilledAndRefuseQuorumWhenTwoAre() throws Exception {
        CassandraLogin admin = stack.cassandraLogins().admin();
        try (CqlSession session = connect(admin)) {
            assertThat(session.execute("SELECT peer FROM system.peers_v2").all()).hasSize(2);
            assertThat(session.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = 'system_auth'").one()
                    .getMap("replication", String.class, String.class))
                    .containsEntry("class", "org.apache.cassandra.locator.NetworkTopologyStrategy").containsEntry("datacenter1", "3");
            session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS cluster_drill WITH replication ="
                    + " {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}").setTimeout(Duration.ofSeconds(60)));
            session.execute(SimpleStatement.newInstance("CREATE TABLE IF NOT EXISTS cluster_drill.rows (id int PRIMARY KEY, payload text)")
                    .setTimeout(Duration.ofSeconds(60)));
            write(session, 0, 500);

            ServerId third = new ServerId(ServerKind.CASSANDRA, 3);
            kill(third);
            write(session, 500, 1000);
            // Every role is on every node: the store's login does not depend on the lost one.
            try (CqlSession store = connect(stack.cassandraLogins().userStore())) {
                assertThat(store.execute("SELECT release_version FROM system.local").one()).isNotNull();
            }

            ServerId second = new ServerId(ServerKind.CASSANDRA, 2);
            kill(second);
            PreparedStatement insert = session.prepare("INSERT INTO cluster_drill.rows (id, payload) VALUES (?, ?)");
            // Refused, never acknowledged: Unavailable once node 1 knows both are down, a write timeout while it still
            // sends to a dead replica, or, once the permissions cached for 2 s expire, the authorization read, which
            // needs a quorum of system_auth too. The store takes each as "Cassandra is unavailable" and retries.
            assertThatThrownBy(() -> session.execute(insert.bind(1000, "x").setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)))
                    .as("a LOCAL_QUORUM write with one replica of three alive")
                    .isInstanceOfAny(UnavailableException.class, WriteTimeoutException.class, UnauthorizedException.class);

            // Both again, node 3 once node 2 answers (one bootstrap at a time).
            assertThat(new Supervisor(stack, progress::add).restartCrashed()).containsExactlyInAnyOrder(second, third);
            awaitAllUp(session);
            // Every row on every node again (hints and the rows written before the kills): CL ALL reads all three.
            long rows = session.execute(SimpleStatement.newInstance("SELECT count(*) FROM cluster_drill.rows")
                    .setConsistencyLevel(ConsistencyLevel.ALL).setTimeout(Duration.ofSeconds(60))).one().getLong(0);
            assertThat(rows).isEqualTo(1000);
        }
    }

    /**
     * The registry runs once; what it must not do is forget a schema id it handed out (a producer already wrote records
     * carrying it), even when killed right after answering.
     */
    @Test
    void theRegistryKeepsEverySchemaIdItHandedOutThroughAKillMinus9() throws Exception {
        stack.start(ServerKind.REGISTRY);
        HttpClient http = HttpClient.newHttpClient();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String schema = "{\"type\":\"record\",\"name\":\"Drill" + i + "\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";
            HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/subjects/drill-" + i + "/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":" + quoted(schema) + "}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
            ids.add(registered.body().replaceAll("\\D", ""));
        }
        kill(ServerId.first(ServerKind.REGISTRY));

        assertThat(new Supervisor(stack, progress::add).restartCrashed()).contains(ServerId.first(ServerKind.REGISTRY));
        for (String id : ids) {
            HttpResponse<String> schema = http.send(HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/schemas/ids/" + id)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(schema.statusCode()).as("schema id %s after the kill: %s", id, schema.body()).isEqualTo(200);
        }
    }

    private static String quoted(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void kill(ServerId id) throws Exception {
        ProcessHandle process = ProcessHandle.of(stack.pid(id).orElseThrow()).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(60, TimeUnit.SECONDS);
        assertThat(stack.crashed()).contains(id);
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    /** Sends keys from..to-1 and waits for every acknowledgement: a failed send fails the test. */
    private static void send(KafkaProducer<String, String> producer, String topic, int from, int to) throws Exception {
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (int i = from; i < to; i++) {
            acks.add(producer.send(new ProducerRecord<>(topic, "user-" + i, "payload-" + i)));
        }
        for (var ack : acks) {
            ack.get(150, TimeUnit.SECONDS);
        }
    }

    private Set<String> readAll(String topic) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        Set<String> keys = new java.util.HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            var partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new org.apache.kafka.common.TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                consumer.poll(Duration.ofSeconds(1)).forEach(record -> keys.add(record.key()));
            }
        }
        return keys;
    }

    /** Waits (a condition, not a guess) until the restarted broker is back in sync on every partition. */
    private void awaitFullIsr(String topic) throws Exception {
        long deadline = System.nanoTime() + REJOIN.toNanos();
        try (Admin admin = Admin.create(stack.kafkaClientProperties())) {
            while (true) {
                List<TopicPartitionInfo> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(topic).partitions();
                if (partitions.stream().allMatch(partition -> partition.isr().size() == 3)) {
                    return;
                }
                assertThat(System.nanoTime()).as("the restarted broker in sync within %s: %s", REJOIN, partitions).isLessThan(deadline);
                Thread.sleep(500);
            }
        }
    }

    private void write(CqlSession session, int from, int to) {
        PreparedStatement insert = session.prepare("INSERT INTO cluster_drill.rows (id, payload) VALUES (?, ?)");
        for (int id = from; id < to; id++) {
            session.execute(insert.bind(id, "row " + id).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
        }
    }

    /** Until the driver sees all three nodes up again. */
    private void awaitAllUp(CqlSession session) throws InterruptedException {
        long deadline = System.nanoTime() + REJOIN.toNanos();
        while (session.getMetadata().getNodes().values().stream()
                .filter(node -> node.getState() == com.datastax.oss.driver.api.core.metadata.NodeState.UP).count() < 3) {
            assertThat(System.nanoTime()).as("three nodes up within %s", REJOIN).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private CqlSession connect(CassandraLogin login) {
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(1))
                .build();
        var builder = CqlSession.builder().withLocalDatacenter(stack.cassandraLocalDatacenter())
                .withAuthCredentials(login.username(), login.password()).withConfigLoader(config);
        for (String contactPoint : stack.cassandraContactPoints().split(",")) {
            String[] hostPort = contactPoint.split(":");
            builder.addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])));
        }
        return builder.build();
    }
}
