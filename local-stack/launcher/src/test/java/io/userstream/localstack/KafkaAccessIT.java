package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local Kafka refuses clients without a login or with a wrong password, and each service's principal may read and
 * write only its own topics, join only its own groups and use only its own transactional ids. The expected grants are
 * written out here, apart from {@link KafkaAcls}, as what each service does in the flow.
 */
class KafkaAccessIT {

    private static final Path STATE_DIR = StateDirs.newUnderTarget();
    private static final List<String> TOPICS = List.of("users_created", "users_processed", "user_stats", "users_dlq", "users_redrive_audit");

    /** Topics each service writes: ingest publishes, the processor emits, the store dead-letters, the console re-drives. */
    private static final Map<ServerKind, Set<String>> WRITES = Map.of(
            ServerKind.INGEST, Set.of("users_created"),
            ServerKind.PROCESSOR, Set.of("users_processed", "user_stats", "users_dlq"),
            ServerKind.STORE, Set.of("users_dlq"),
            ServerKind.CONSOLE, Set.of("users_created", "users_redrive_audit"));

    /** Topics each service reads: ingest none, the console every one (live view, browsing, re-drive history). */
    private static final Map<ServerKind, Set<String>> READS = Map.of(
            ServerKind.INGEST, Set.of(),
            ServerKind.PROCESSOR, Set.of("users_created"),
            ServerKind.STORE, Set.of("users_processed", "user_stats", "users_dlq"),
            ServerKind.CONSOLE, Set.copyOf(TOPICS));

    private static LocalStack stack;

    @BeforeAll
    static void startKafkaWithOneRecordPerTopic() throws Exception {
        stack = LocalStack.attached(STATE_DIR, Ports.ephemeral(), line -> { }).start(ServerKind.KAFKA);
        try (Admin admin = Admin.create(stack.kafkaClientProperties())) {
            admin.createTopics(TOPICS.stream().map(topic -> new NewTopic(topic, 1, (short) 1)).toList()).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = producer(stack.kafkaLogins().admin(), Map.of())) {
            for (String topic : TOPICS) {
                producer.send(new ProducerRecord<>(topic, "seed", "by admin")).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @AfterAll
    static void stopKafka() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aClientWithoutALoginGetsNoAnswer() {
        Map<String, Object> anonymous = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        try (Admin admin = Admin.create(anonymous)) {
            // The listener speaks SASL only: a plaintext client's requests are dropped, never answered.
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        }
        try (Admin admin = Admin.create(stack.kafkaClientProperties())) {
            assertThat(admin.describeCluster().nodes().toCompletionStage().toCompletableFuture().join()).isNotEmpty();
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        KafkaLogin store = stack.kafkaLogins().service(ServerKind.STORE);
        KafkaLogin wrong = new KafkaLogin(store.username(), store.password() + "x", store.mechanism());
        try (Admin admin = Admin.create(stack.kafkaClientProperties(wrong))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void theBrokersOwnPlainLoginIsTheAdminsOnly() {
        KafkaLogin store = stack.kafkaLogins().service(ServerKind.STORE);
        KafkaLogin plain = new KafkaLogin(store.username(), store.password(), "PLAIN");
        try (Admin admin = Admin.create(stack.kafkaClientProperties(plain))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    static Stream<Arguments> serviceAndTopic() {
        return ServerKind.services().stream().flatMap(service -> TOPICS.stream().map(topic -> Arguments.of(service, topic)));
    }

    @ParameterizedTest(name = "{0} writes {1} only if it is one of its outputs")
    @MethodSource("serviceAndTopic")
    void aServiceWritesOnlyItsOwnOutputs(ServerKind service, String topic) throws Exception {
        try (KafkaProducer<String, String> producer = producer(stack.kafkaLogins().service(service), Map.of())) {
            var send = producer.send(new ProducerRecord<>(topic, "probe", service.displayName()));
            if (WRITES.get(service).contains(topic)) {
                assertThat(send.get(30, TimeUnit.SECONDS).topic()).isEqualTo(topic);
            } else {
                assertThatThrownBy(() -> send.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    /** The services create the topics they use when missing, and change none: partitions and settings are an operator's. */
    @ParameterizedTest(name = "{0} cannot add partitions to or reconfigure {1}")
    @MethodSource("serviceAndTopic")
    void noServiceChangesATopicsPartitionsOrSettings(ServerKind service, String topic) throws Exception {
        try (Admin admin = Admin.create(stack.kafkaClientProperties(stack.kafkaLogins().service(service)))) {
            assertThatThrownBy(() -> admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(2))).all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            AlterConfigOp retention = new AlterConfigOp(new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "3600000"), AlterConfigOp.OpType.SET);
            assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(resource, List.of(retention))).all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        try (Admin admin = Admin.create(stack.kafkaClientProperties())) {
            assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0} reads {1} only if it is one of its inputs")
    @MethodSource("serviceAndTopic")
    void aServiceReadsOnlyItsOwnInputs(ServerKind service, String topic) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties(stack.kafkaLogins().service(service)));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            if (READS.get(service).contains(topic)) {
                List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                }
                assertThat(records).extracting(ConsumerRecord::key).contains("seed");
            } else {
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(30))).isInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    @Test
    void aServiceJoinsOnlyItsOwnConsumerGroups() {
        KafkaLogin processor = stack.kafkaLogins().service(ServerKind.PROCESSOR);
        assertThat(firstPollInGroup(processor, "users_created", "stream-processor")).isTrue();
        assertThatThrownBy(() -> firstPollInGroup(processor, "users_created", "user-store-service"))
                .isInstanceOf(GroupAuthorizationException.class);
        KafkaLogin store = stack.kafkaLogins().service(ServerKind.STORE);
        assertThat(firstPollInGroup(store, "users_dlq", "user-store-service-dead-letters")).isTrue();
        assertThatThrownBy(() -> firstPollInGroup(store, "users_dlq", "stream-processor"))
                .isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void aServiceUsesOnlyItsOwnTransactionalIds() throws Exception {
        try (KafkaProducer<String, String> processor = producer(stack.kafkaLogins().service(ServerKind.PROCESSOR),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stream-processor-" + UUID.randomUUID()))) {
            processor.initTransactions();
            processor.beginTransaction();
            processor.send(new ProducerRecord<>("users_processed", "probe", "in a transaction"));
            processor.commitTransaction();
        }
        try (KafkaProducer<String, String> console = producer(stack.kafkaLogins().service(ServerKind.CONSOLE),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "stream-processor-" + UUID.randomUUID()))) {
            assertThatThrownBy(console::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
    }

    /** The console shows each topic's size on disk (describeLogDirs), a cluster-wide read no other service needs. */
    @Test
    void onlyTheConsoleDescribesTheBrokersLogDirs() throws Exception {
        try (Admin console = Admin.create(stack.kafkaClientProperties(stack.kafkaLogins().service(ServerKind.CONSOLE)))) {
            assertThat(console.describeLogDirs(List.of(1)).allDescriptions().get(30, TimeUnit.SECONDS).get(1)).isNotEmpty();
        }
        try (Admin ingest = Admin.create(stack.kafkaClientProperties(stack.kafkaLogins().service(ServerKind.INGEST)))) {
            assertThatThrownBy(() -> ingest.describeLogDirs(List.of(1)).allDescriptions().get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ClusterAuthorizationException.class);
        }
    }

    /** True once the consumer joined {@code group} and polled; a refused group throws. */
    private static boolean firstPollInGroup(KafkaLogin login, String topic, String group) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties(login));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500));
            }
            return !consumer.assignment().isEmpty();
        }
    }

    private static KafkaProducer<String, String> producer(KafkaLogin login, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties(login));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.putAll(settings);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }
}
