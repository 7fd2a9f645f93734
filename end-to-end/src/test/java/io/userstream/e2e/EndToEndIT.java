package io.userstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.userstream.e2e.RandomUserPopulation.Expected;
import io.userstream.e2e.RandomUserPopulation.Fate;
import io.userstream.e2e.RandomUserPopulation.SourceUser;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.airflow.TaskInstance;
import io.userstream.localstack.airflow.UserAutomation;
import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserStats;
import io.userstream.schema.serde.AvroDeserializer;
import io.userstream.schema.serde.AvroSerdeConfig;
import mockwebserver3.MockWebServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Every real component, as in production: 5,000 users from a randomuser.me-shaped stub (every 50th one
 * malformed, in six ways) go through the ingest API, Kafka and the schema registry, the stream
 * processor, and the user store into Cassandra. The checks follow each user to its end: stored with the
 * documented normalization (read from Cassandra and over REST), dead-lettered with its reason, or refused
 * by ingest; the window counts add up; the delivery numbers match; and the user_automation DAG succeeds
 * against the same stack.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static final int USERS = 5_000;
    private static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(5);
    private static final RandomUserPopulation POPULATION = new RandomUserPopulation(USERS, 50, 20261122L);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);

    private static MockWebServer randomUserApi;
    private static LocalStack stack;
    private static CqlSession cassandra;
    private static String ingestUrl;
    private static String storeUrl;
    private static UUID runId;

    @BeforeAll
    static void startEverything() throws Exception {
        randomUserApi = new MockWebServer();
        randomUserApi.setDispatcher(new RandomUserApiStub(POPULATION));
        randomUserApi.start();
        Path state = newStateDirUnderTarget();
        stack = LocalStack.attached(state, Ports.ephemeral(), line -> System.out.println("[stack] " + line));
        stack.withServiceProperties(ServerKind.INGEST, Map.of(
                "ingest.randomuser.base-url", randomUserApi.url("/api/1.4/").toString()));
        stack.start(EnumSet.allOf(ServerKind.class));
        ingestUrl = stack.serviceUrl(ServerKind.INGEST);
        storeUrl = stack.serviceUrl(ServerKind.STORE);
        cassandra = CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", stack.ports().cassandra()))
                .withLocalDatacenter(stack.cassandraLocalDatacenter())
                .withAuthCredentials(stack.cassandraLogins().userStore().username(), stack.cassandraLogins().userStore().password())
                .build();
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (cassandra != null) {
            cassandra.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (randomUserApi != null) {
            randomUserApi.close();
        }
    }

    @Test
    @Order(1)
    void ingestPublishesEveryUsableUserAndRecordsWhyTheOthersWereRefused() throws Exception {
        JsonNode started = post(ingestUrl + "/api/v1/ingestions",
                "{\"source\":\"randomuser\",\"count\":" + USERS + ",\"batchSize\":1000,\"seed\":\"e2e\"}");
        runId = UUID.fromString(started.get("id").asText());

        JsonNode run = awaitJson(ingestUrl + "/api/v1/ingestions/" + runId, Duration.ofMinutes(3),
                answer -> !answer.get("status").asText().matches("PENDING|RUNNING"));

        List<SourceUser> refused = POPULATION.withFate(Fate.Refused.class);
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.get("requested").asInt()).isEqualTo(USERS);
        assertThat(run.get("failed").asLong()).isEqualTo(refused.size());
        assertThat(run.get("published").asLong()).isEqualTo(USERS - refused.size());
        JsonNode failures = get(ingestUrl + "/api/v1/ingestions/" + runId + "/failures?limit=1000");
        assertThat(failures).hasSize(refused.size());
        List<String> reasons = new ArrayList<>();
        failures.forEach(failure -> reasons.add(failure.get("reason").asText()));
        assertThat(reasons).allSatisfy(reason -> assertThat(reason).containsAnyOf("latitude", "login.uuid"));
    }

    @Test
    @Order(2)
    void deliveryAccountsForEveryPublishedUser() throws Exception {
        long published = USERS - POPULATION.withFate(Fate.Refused.class).size();
        JsonNode delivery = awaitJson(storeUrl + "/api/v1/ingestions/" + runId + "/delivery", DELIVERY_TIMEOUT,
                answer -> answer.get("stored").asLong() + answer.get("deadLettered").asLong() >= published);

        assertThat(delivery.get("stored").asLong()).isEqualTo(POPULATION.withFate(Fate.Stored.class).size());
        assertThat(delivery.get("deadLettered").asLong()).isEqualTo(POPULATION.withFate(Fate.DeadLettered.class).size());
    }

    @Test
    @Order(3)
    void cassandraHoldsExactlyTheValidUsersNormalized() {
        PreparedStatement byId = cassandra.prepare("SELECT * FROM userstream.users WHERE user_id = ?");
        for (SourceUser user : POPULATION.users()) {
            Row row = cassandra.execute(byId.bind(user.loginUuid())).one();
            if (user.fate() instanceof Fate.Stored stored) {
                assertThat(row).as("user %s", user.loginUuid()).isNotNull();
                assertRowIs(row, stored.expected());
            } else {
                assertThat(row).as("%s user %s", user.fate(), user.loginUuid()).isNull();
            }
        }
        List<UUID> ofRun = new ArrayList<>();
        cassandra.execute("SELECT user_id FROM userstream.users_by_run WHERE run_id = " + runId + " ALLOW FILTERING")
                .forEach(row -> ofRun.add(row.getUuid("user_id")));
        assertThat(ofRun).containsExactlyInAnyOrderElementsOf(
                POPULATION.withFate(Fate.Stored.class).stream().map(SourceUser::loginUuid).toList());
    }

    @Test
    @Order(4)
    void everyValidUserIsReadableOverRest() throws Exception {
        for (SourceUser user : POPULATION.withFate(Fate.Stored.class)) {
            JsonNode view = get(storeUrl + "/api/v1/users/" + user.loginUuid());
            assertViewIs(view, ((Fate.Stored) user.fate()).expected());
        }
        SourceUser deadLettered = POPULATION.withFate(Fate.DeadLettered.class).get(0);
        HttpResponse<String> missing = send(HttpRequest.newBuilder(URI.create(storeUrl + "/api/v1/users/" + deadLettered.loginUuid())).GET());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("problem+json"));
    }

    @Test
    @Order(5)
    void malformedUsersAreInTheDeadLetterTopicWithTheirReasons() throws Exception {
        Map<String, String> reasonByUser = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : readAll("users_dlq", new ByteArrayDeserializer())) {
            assertThat(header(record, "dlq.stage")).isEqualTo("validate");
            assertThat(header(record, "dlq.source.topic")).isEqualTo("users_created");
            assertThat(header(record, "dlq.error")).isNotBlank();
            assertThat(record.value()).as("the original bytes").isNotEmpty();
            reasonByUser.put(record.key(), header(record, "dlq.reason"));
        }
        assertThat(reasonByUser).isEqualTo(POPULATION.withFate(Fate.DeadLettered.class).stream()
                .collect(Collectors.toMap(user -> user.loginUuid().toString(), user -> ((Fate.DeadLettered) user.fate()).reason())));

        JsonNode listed = get(storeUrl + "/api/v1/ingestions/" + runId + "/dead-letters?limit=500");
        assertThat(listed.get("items")).hasSize(reasonByUser.size());
    }

    /**
     * A dead letter's error names the field and the rule, never a value: no value of a dead-lettered or refused user
     * (e-mail, username, dates, phones, national identifier) is in a dlq.error header, in dead_letters_by_run or in a
     * service's log. The raw record stays on users_dlq for re-drive, with the topic's retention.
     */
    @Test
    @Order(6)
    void noValueOfARejectedUserIsQuotedInErrorsOrLogs() throws Exception {
        List<String> values = new ArrayList<>();
        for (SourceUser user : POPULATION.users()) {
            if (!(user.fate() instanceof Fate.Stored)) {
                for (String field : List.of("/email", "/login/username", "/dob/date", "/registered/date", "/phone", "/cell", "/id/value")) {
                    String value = user.json().at(field).asText("").trim();
                    if (value.length() >= 8) { // shorter ones ("DE", "Mr") occur in any text
                        values.add(value);
                    }
                }
            }
        }
        assertThat(values).as("values of the rejected users").hasSizeGreaterThan(100);
        List<String> errorTexts = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readAll("users_dlq", new ByteArrayDeserializer())) {
            errorTexts.add(header(record, "dlq.error"));
        }
        cassandra.execute("SELECT reason, stage, error, service FROM userstream.dead_letters_by_run WHERE run_id = " + runId
                + " ALLOW FILTERING").forEach(row -> errorTexts.add(String.join(" | ", row.getString("reason"),
                row.getString("stage"), row.getString("error"), row.getString("service"))));
        assertThat(errorTexts).as("dlq.error headers and dead_letters_by_run rows").hasSizeGreaterThan(2 * POPULATION.withFate(Fate.DeadLettered.class).size() - 1);
        for (String value : values) {
            assertThat(errorTexts).as("errors quoting %s", value).noneMatch(text -> text.contains(value));
        }
        for (ServerKind service : List.of(ServerKind.INGEST, ServerKind.PROCESSOR, ServerKind.STORE)) {
            String log = Files.readString(stack.logFile(service));
            assertThat(values).as("values of rejected users in %s's log", service).noneMatch(log::contains);
        }
    }

    @Test
    @Order(7)
    void windowCountsAddUpToTheNewUsersPerCountryAndGender() {
        List<Expected> stored = POPULATION.withFate(Fate.Stored.class).stream().map(user -> ((Fate.Stored) user.fate()).expected()).toList();
        Map<String, Long> expected = new HashMap<>();
        stored.forEach(user -> {
            expected.merge(StatsDimension.COUNTRY + ":" + user.country(), 1L, Long::sum);
            expected.merge(StatsDimension.GENDER + ":" + user.gender(), 1L, Long::sum);
        });
        AvroDeserializer<UserStats> stats = new AvroDeserializer<>();
        stats.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl(), AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
        Map<String, Long> counted = new HashMap<>();
        // Each record is the running total of its window; the latest one per window (same key, same partition) counts.
        await(Duration.ofMinutes(4), () -> {
            Map<String, UserStats> latestPerWindow = new HashMap<>();
            readAll("user_stats", stats).forEach(record -> latestPerWindow.put(record.key(), record.value()));
            counted.clear();
            latestPerWindow.values().forEach(window ->
                    counted.merge(window.getDimension() + ":" + window.getKey(), window.getCount(), Long::sum));
            return counted.equals(expected);
        });
        assertThat(counted).isEqualTo(expected);
    }

    @Test
    @Order(8)
    void userAutomationDagRunSucceedsAgainstTheSameStack() {
        List<TaskInstance> seen = new ArrayList<>();
        UserAutomation.Result result = new UserAutomation(stack).run(UserAutomation.Request.of(300, "faker"), Duration.ofMinutes(10), seen::add);

        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(result.published()).hasValue(300);
        assertThat(result.stored()).hasValue(300);
        assertThat(result.tasks()).extracting(TaskInstance::state).containsOnly("success");
    }

    /** Whichever service created a topic, it keeps records for the retention chosen for it (docs/security.md). */
    @Test
    @Order(9)
    void everyTopicKeepsItsRecordsForTheRetentionChosenForIt() throws Exception {
        String week = Long.toString(Duration.ofDays(7).toMillis());
        Map<String, String> chosen = Map.of("users_created", week, "users_processed", week, "user_stats", week,
                "users_dlq", Long.toString(Duration.ofDays(14).toMillis()));
        List<ConfigResource> topics = chosen.keySet().stream().map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList();
        try (Admin admin = Admin.create(stack.kafkaClientProperties())) {
            Map<ConfigResource, Config> configs = admin.describeConfigs(topics).all().get(30, TimeUnit.SECONDS);
            Map<String, String> retention = new HashMap<>();
            configs.forEach((topic, config) -> retention.put(topic.name(), config.get(TopicConfig.RETENTION_MS_CONFIG).value()));
            assertThat(retention).isEqualTo(chosen);
        }
    }

    /**
     * Every server, service and Airflow component of the stack listens on loopback only: nothing is reachable from the
     * network (Airflow's task log server listened on every interface; the scheduler now runs without it).
     */
    @Test
    @Order(10)
    void nothingTheStackRunsListensBeyondLoopback() {
        List<ListeningSockets.Listener> listeners = new ArrayList<>();
        for (ServerKind kind : ServerKind.values()) {
            long pid = stack.pid(kind).orElseThrow(() -> new AssertionError(kind.displayName() + " is not running"));
            listeners.addAll(ListeningSockets.of(ProcessHandle.of(pid).orElseThrow()));
        }
        assertThat(listeners).as("the stack's listening sockets").isNotEmpty()
                .extracting(ListeningSockets.Listener::port).contains(stack.ports().kafka(), stack.ports().airflow());
        assertThat(listeners).filteredOn(listener -> !listener.loopback()).as("listening beyond loopback").isEmpty();
    }

    private static void assertRowIs(Row row, Expected user) {
        assertThat(row.getString("title")).isEqualTo(user.title());
        assertThat(row.getString("first_name")).isEqualTo(user.first());
        assertThat(row.getString("last_name")).isEqualTo(user.last());
        assertThat(row.getString("gender")).isEqualTo(user.gender());
        assertThat(row.getString("email")).isEqualTo(user.email());
        assertThat(row.getString("email_domain")).isEqualTo(user.emailDomain());
        assertThat(row.getString("username")).isEqualTo(user.username());
        assertThat(row.getString("phone")).isEqualTo(user.phone());
        assertThat(row.getString("cell")).isEqualTo(user.cell());
        assertThat(row.getString("address")).isEqualTo(user.address());
        assertThat(row.getString("postcode")).isEqualTo(user.postcode());
        assertThat(row.getString("city")).isEqualTo(user.city());
        assertThat(row.getString("state")).isEqualTo(user.state());
        assertThat(row.getString("country")).isEqualTo(user.country());
        assertThat(row.getString("country_code")).isEqualTo(user.countryCode());
        assertThat(row.getDouble("latitude")).isEqualTo(user.latitude());
        assertThat(row.getDouble("longitude")).isEqualTo(user.longitude());
        assertThat(row.getInstant("date_of_birth")).isEqualTo(user.dateOfBirth());
        assertThat(row.getInt("age")).isEqualTo(ageOn(user.dateOfBirth(), row.getInstant("processed_at")));
        assertThat(row.getInstant("registered_at")).isEqualTo(user.registeredAt());
        assertThat(row.getString("picture_large")).isEqualTo(user.pictureLarge());
        assertThat(row.getString("picture_medium")).isEqualTo(user.pictureMedium());
        assertThat(row.getString("picture_thumbnail")).isEqualTo(user.pictureThumbnail());
        assertThat(row.getUuid("run_id")).isEqualTo(runId);
        assertThat(row.getString("source")).isEqualToIgnoringCase("randomuser");
        assertThat(row.getInstant("fetched_at")).isNotNull();
    }

    private static void assertViewIs(JsonNode view, Expected user) {
        assertThat(view.get("id").asText()).isEqualTo(user.userId().toString());
        JsonNode name = view.get("name");
        assertThat(List.of(name.get("title").asText(), name.get("first").asText(), name.get("last").asText()))
                .containsExactly(user.title(), user.first(), user.last());
        assertThat(view.get("gender").asText()).isEqualTo(user.gender());
        assertThat(view.get("email").asText()).isEqualTo(user.email());
        assertThat(view.get("emailDomain").asText()).isEqualTo(user.emailDomain());
        assertThat(view.get("username").asText()).isEqualTo(user.username());
        assertThat(view.get("phone").asText()).isEqualTo(user.phone());
        assertThat(view.get("cell").asText()).isEqualTo(user.cell());
        JsonNode location = view.get("location");
        assertThat(location.get("address").asText()).isEqualTo(user.address());
        assertThat(location.get("postcode").asText()).isEqualTo(user.postcode());
        assertThat(location.get("city").asText()).isEqualTo(user.city());
        assertThat(location.get("state").asText()).isEqualTo(user.state());
        assertThat(location.get("country").asText()).isEqualTo(user.country());
        assertThat(location.get("countryCode").asText()).isEqualTo(user.countryCode());
        assertThat(location.get("latitude").asDouble()).isEqualTo(user.latitude());
        assertThat(location.get("longitude").asDouble()).isEqualTo(user.longitude());
        assertThat(Instant.parse(view.get("dateOfBirth").asText())).isEqualTo(user.dateOfBirth());
        assertThat(view.get("age").asInt()).isEqualTo(ageOn(user.dateOfBirth(), Instant.parse(view.get("processedAt").asText())));
        assertThat(Instant.parse(view.get("registeredAt").asText())).isEqualTo(user.registeredAt());
        assertThat(view.get("picture").get("large").asText()).isEqualTo(user.pictureLarge());
        assertThat(view.get("ingestion").get("runId").asText()).isEqualTo(runId.toString());
    }

    /** The documented rule: whole years from the date of birth to the processing date, both in UTC. */
    private static int ageOn(Instant dateOfBirth, Instant processedAt) {
        return Period.between(LocalDate.ofInstant(dateOfBirth, ZoneOffset.UTC), LocalDate.ofInstant(processedAt, ZoneOffset.UTC)).getYears();
    }

    /** Every committed record of {@code topic}, from the beginning to the current end. */
    private static <V> List<ConsumerRecord<String, V>> readAll(String topic, Deserializer<V> values) {
        Properties config = new Properties();
        config.putAll(stack.kafkaClientProperties());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header %s", name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode awaitJson(String url, Duration timeout, java.util.function.Predicate<JsonNode> done) throws Exception {
        JsonNode[] last = new JsonNode[1];
        await(timeout, () -> {
            last[0] = get(url);
            return done.test(last[0]);
        });
        return last[0];
    }

    /** Polls every second; on timeout the caller's assertions show what was there. */
    private static void await(Duration timeout, ThrowingBooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
                Thread.sleep(1000);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface ThrowingBooleanSupplier {
        boolean getAsBoolean() throws Exception;
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).GET());
        assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode post(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as("POST %s: %s", url, response.body()).isBetween(200, 202);
        return JSON.readTree(response.body());
    }

    /**
     * One request. Every GET must be answered: a lost one was Reactor Netty 1.3.7 no longer reading a kept-alive
     * connection (reactor-netty#4361), fixed by 1.3.8 and tested on its own by user-store-service's KeepAliveIT.
     */
    private static HttpResponse<String> send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpRequest request = builder.timeout(ANSWER_TIMEOUT).header("Accept", "application/json, application/problem+json")
                .header("Authorization", stack.apiLogins().operator().basicAuthorization())
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Below target/, not /tmp: as root, PostgreSQL runs as nobody, who cannot enter private temporary folders. */
    private static Path newStateDirUnderTarget() throws IOException {
        Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
        return Files.createTempDirectory(target, "e2e-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }
}
