package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import io.userstream.localstack.test.LocalServers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Each server of the shared stack answers its real protocol: the same clients the services use. */
@LocalServers
class LocalStackIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void kafkaTakesAndDeliversARecordWithAcksAll(LocalStack stack) throws Exception {
        String topic = "local-stack-it-" + UUID.randomUUID();
        try (Admin admin = Admin.create(stack.kafkaClientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> producerConfig = new HashMap<>(stack.kafkaClientProperties());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (var producer = new KafkaProducer<String, String>(producerConfig, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "key", "value")).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> consumerConfig = new HashMap<>(stack.kafkaClientProperties());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, topic);
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<String, String>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            for (int i = 0; i < 30 && records.isEmpty(); i++) {
                records = consumer.poll(Duration.ofSeconds(1));
            }
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo("key");
                assertThat(r.value()).isEqualTo("value");
            });
        }
    }

    @Test
    void registryServesTheConfluentApiAndEnforcesBackwardCompatibility(LocalStack stack) throws Exception {
        String subject = "local-stack-it-" + UUID.randomUUID() + "-value";
        String v1 = "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";
        String withDefault = "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}";
        String withoutDefault = "{\"type\":\"record\",\"name\":\"Probe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                + "{\"name\":\"c\",\"type\":\"int\"}]}";

        HttpResponse<String> first = register(stack, subject, v1);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).matches("\\{\"id\":\\d+}");

        HttpResponse<String> byId = HTTP.send(HttpRequest.newBuilder(URI.create(
                stack.schemaRegistryUrl() + "/schemas/ids/" + first.body().replaceAll("\\D", ""))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(byId.body()).contains("Probe");

        assertThat(register(stack, subject, withDefault).statusCode()).isEqualTo(200);
        HttpResponse<String> incompatible = register(stack, subject, withoutDefault);
        assertThat(incompatible.statusCode()).isEqualTo(409);
    }

    @Test
    void cassandraAnswersCql(LocalStack stack) {
        String[] hostPort = stack.cassandraContactPoint().split(":");
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
                .withLocalDatacenter(stack.cassandraLocalDatacenter())
                .withAuthCredentials(stack.cassandraLogins().userStore().username(), stack.cassandraLogins().userStore().password())
                // Schema changes wait for agreement; the 2 s default is short on a busy 2-core machine.
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .build())
                .build()) {
            session.execute("CREATE KEYSPACE IF NOT EXISTS local_stack_it WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            session.execute("CREATE TABLE IF NOT EXISTS local_stack_it.probe (id uuid PRIMARY KEY, name text)");
            UUID id = UUID.randomUUID();
            session.execute("INSERT INTO local_stack_it.probe (id, name) VALUES (?, ?)", id, "ada");
            Row row = session.execute("SELECT name FROM local_stack_it.probe WHERE id = ?", id).one();
            assertThat(row).isNotNull();
            assertThat(row.getString("name")).isEqualTo("ada");
            assertThat(session.execute("SELECT release_version FROM system.local").one().getString(0)).startsWith("5.0");
        }
    }

    /** As ingest-service does: its own role, in its own schema of its database. */
    @Test
    void postgresAnswersSql(LocalStack stack) throws Exception {
        PostgresLogin ingest = stack.postgresLogins().ingest();
        try (Connection connection = DriverManager.getConnection(stack.postgresJdbcUrl(stack.postgresIngestDatabase()), ingest.username(), ingest.password());
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS local_stack_it");
            statement.execute("SET search_path TO local_stack_it");
            statement.execute("CREATE TABLE IF NOT EXISTS local_stack_it (id int PRIMARY KEY, name text)");
            statement.execute("INSERT INTO local_stack_it VALUES (1, 'ada') ON CONFLICT (id) DO NOTHING");
            ResultSet rows = statement.executeQuery("SELECT name, current_setting('server_version') FROM local_stack_it WHERE id = 1");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("ada");
            assertThat(rows.getString(2)).startsWith("17.");
        }
    }

    @Test
    void everyRequestedServerIsRunningAndListening(LocalStack stack) {
        for (ServerKind kind : List.of(ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA, ServerKind.POSTGRES)) {
            assertThat(stack.isRunning(kind)).as(kind + " running").isTrue();
            assertThat(stack.pid(kind)).as(kind + " pid").isPresent();
            assertThat(Ports.isListening(stack.ports().clientPort(kind))).as(kind + " port").isTrue();
        }
    }

    private static HttpResponse<String> register(LocalStack stack, String subject, String schema) throws Exception {
        String body = "{\"schema\":\"" + schema.replace("\"", "\\\"") + "\"}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.schemaRegistryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
