package io.userstream.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.console.PipelineFixtures.FixableUser;
import io.userstream.localstack.ApiLogin;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.localstack.test.SharedLocalStack;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The console's server side on the real pipeline: Kafka, the registry, Cassandra, PostgreSQL and the three
 * services from their jars, the console in this JVM. A faker run is followed from requested to stored, records are
 * browsed through the registry, a poison record and a user refused until its cause is gone are dead-lettered,
 * and the latter is re-driven: refused again while the cause lasts, stored once after, never twice. The tests call
 * the console as the stack's operator (every endpoint is theirs; who may call which is ConsoleAccessIT's), and the
 * console calls the services as the stack's reader, as the launcher starts it.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA, ServerKind.POSTGRES,
        ServerKind.INGEST, ServerKind.PROCESSOR, ServerKind.STORE})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleIT {

    static final Set<ServerKind> STACK = EnumSet.of(ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA,
            ServerKind.POSTGRES, ServerKind.INGEST, ServerKind.PROCESSOR, ServerKind.STORE);
    private static final Duration PIPELINE = Duration.ofSeconds(120);
    private static final int USERS = 2000;

    @Autowired
    WebTestClient anonymous;

    private WebTestClient console;
    private LocalStack stack;
    private PipelineFixtures fixtures;
    private String runId;
    private FixableUser fixable;
    private final String poisonKey = "poison-" + UUID.randomUUID();

    @DynamicPropertySource
    static void servicesOfTheStack(DynamicPropertyRegistry registry) {
        LocalStack stack = SharedLocalStack.ensureStarted(STACK);
        registry.add("userstream.console.ingest-url", stack::ingestServiceUrl);
        registry.add("userstream.console.store-url", stack::userStoreServiceUrl);
        registry.add("userstream.console.processor-url", stack::streamProcessorUrl);
        // Airflow is not part of this stack: the console must show it as unreachable, not fail.
        registry.add("userstream.console.airflow-url", () -> "http://127.0.0.1:" + stack.ports().airflow());
        // As the launcher does: the console reads the services as the stack's reader.
        registry.add("userstream.console.services-login.username", () -> stack.apiLogins().reader().username());
        registry.add("userstream.console.services-login.password", () -> stack.apiLogins().reader().password());
    }

    @BeforeAll
    void startRun() throws Exception {
        stack = SharedLocalStack.ensureStarted(STACK);
        console = as(anonymous, stack.apiLogins().operator());
        fixtures = new PipelineFixtures(stack);
        runId = fixtures.startRun(USERS, "console-it");
    }

    @Test
    @Order(1)
    void followsTheRunFromRequestedToStored() throws Exception {
        PipelineFixtures.await("the run's funnel to be complete", PIPELINE, () -> {
            JsonNode run = run(runId);
            return run != null && run.path("complete").asBoolean();
        });
        JsonNode run = run(runId);
        assertThat(run.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.path("requested").asLong()).isEqualTo(USERS);
        assertThat(run.path("fetched").asLong()).isEqualTo(USERS);
        assertThat(run.path("published").asLong()).isEqualTo(USERS);
        assertThat(run.path("stored").asLong()).isEqualTo(USERS);
        assertThat(run.path("deadLettered").asLong()).isZero();
        // processed comes from users_processed (the run-id header), which the store may read before the console does
        PipelineFixtures.await("processed to reach published", PIPELINE, () -> run(runId).path("processed").asLong() == USERS);
    }

    @Test
    @Order(2)
    void showsTopicsWithOffsetsRatesAndTheGroupsLag() throws Exception {
        PipelineFixtures.await("the store's group to have caught up", PIPELINE, () -> {
            JsonNode topics = get("/api/v1/topics");
            JsonNode store = find(topics.path("groups"), "groupId", "user-store-service");
            return store != null && store.path("lag").asLong() == 0 && store.path("partitions").size() > 0;
        });
        JsonNode topics = get("/api/v1/topics");
        assertThat(topics.path("error").isNull()).as("sample is current: %s", topics.path("error")).isTrue();
        JsonNode created = find(topics.path("topics"), "name", "users_created");
        assertThat(created).isNotNull();
        assertThat(created.path("partitions").size()).isEqualTo(6);
        assertThat(created.path("messages").asLong()).isGreaterThanOrEqualTo(USERS);
        assertThat(created.path("bytes").asLong()).isPositive();
        JsonNode streams = find(topics.path("groups"), "groupId", "stream-processor");
        assertThat(streams).isNotNull();
        assertThat(streams.path("kind").asText()).isEqualTo("STREAMS");
        JsonNode history = get("/api/v1/topics/history");
        JsonNode createdSeries = find(history.path("series"), "topic", "users_created");
        assertThat(createdSeries).isNotNull();
        assertThat(createdSeries.path("points").size()).isGreaterThan(1);
    }

    @Test
    @Order(3)
    void browsesRecordsDecodedThroughTheRegistry() {
        JsonNode records = get("/api/v1/topics/users_created/messages?partition=0&offset=latest&limit=5");
        assertThat(records.size()).isEqualTo(5);
        JsonNode record = records.get(0);
        assertThat(record.path("schemaSubject").asText()).isEqualTo("users_created-value");
        assertThat(record.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(record.path("schemaId").asInt()).isPositive();
        assertThat(record.path("value").path("login").path("uuid").asText()).isEqualTo(record.path("key").asText());
        assertThat(record.path("headers").path("userstream.run-id").asText()).isEqualTo(runId);

        JsonNode first = get("/api/v1/topics/users_created/messages?partition=0&offset=0&limit=2");
        assertThat(first.get(0).path("offset").asLong()).isZero();
        assertThat(first.get(1).path("offset").asLong()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void refusesWhatItCannotBrowseWithProblemDetails() {
        console.get().uri("/api/v1/topics/users_created/messages?partition=99").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.parameter").isEqualTo("partition");
        console.get().uri("/api/v1/topics/users_created/messages?offset=soon").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.parameter").isEqualTo("offset");
    }

    @Test
    @Order(5)
    void showsDeadLettersByReasonWithTheirHeaders() throws Exception {
        fixtures.producePoison(poisonKey);
        fixable = fixtures.produceFutureRegisteredUser(Duration.ofSeconds(20));
        PipelineFixtures.await("both dead letters in the console", PIPELINE, () ->
                deadLetter("undecodable", poisonKey) != null && deadLetter("future-date", fixable.userId()) != null);
        JsonNode poison = deadLetter("undecodable", poisonKey);
        assertThat(poison.path("stage").asText()).isEqualTo("deserialize");
        assertThat(poison.path("status").asText()).isEqualTo("OPEN");
        JsonNode future = deadLetter("future-date", fixable.userId());
        assertThat(future.path("runId").asText()).isEqualTo(fixable.runId());
        assertThat(future.path("redrivable").asBoolean()).isTrue();

        JsonNode summary = get("/api/v1/dead-letters/summary");
        JsonNode undecodable = find(summary.path("byReason"), "reason", "undecodable");
        assertThat(undecodable.path("count").asLong()).isPositive();
        assertThat(undecodable.path("samples").size()).isPositive();
        assertThat(undecodable.path("perMinute").size()).isPositive();

        JsonNode onDlq = get("/api/v1/topics/users_dlq/messages?partition=" + poison.path("dlqPartition").asInt()
                + "&offset=" + poison.path("dlqOffset").asLong() + "&limit=1").get(0);
        assertThat(onDlq.path("headers").path("dlq.reason").asText()).isEqualTo("undecodable");
        assertThat(onDlq.path("error").asText()).contains("wire format");
    }

    @Test
    @Order(6)
    void reDrivesADeadLetterRefusedAgainWhileItsCauseLastsThenStoredOnceOnlyAfter() throws Exception {
        String id = deadLetter("future-date", fixable.userId()).path("id").asText();

        JsonNode early = redrive(Map.of("ids", List.of(id)));
        assertThat(early.path("sent")).hasSize(1);
        PipelineFixtures.await("the early re-drive to be refused again", PIPELINE,
                () -> "FAILED_AGAIN".equals(deadLetter("future-date", fixable.userId()).path("status").asText()));
        assertThat(deadLetter("future-date", fixable.userId()).path("redriveCount").asInt()).isEqualTo(1);
        assertThat(delivery(fixable.runId())).isEqualTo("0/1");

        PipelineFixtures.await("the registration date to pass", Duration.ofSeconds(30), () -> Instant.now().isAfter(fixable.fixableAt()));
        JsonNode late = redrive(Map.of("reason", "future-date"));
        assertThat(late.path("sent").findValuesAsString("deadLetterId")).contains(id);
        PipelineFixtures.await("the re-driven user to be resolved", PIPELINE,
                () -> "RESOLVED".equals(deadLetter("future-date", fixable.userId()).path("status").asText()));
        PipelineFixtures.await("the user to be stored", PIPELINE, () -> "1/0".equals(delivery(fixable.runId())));
        console.get().uri("/api/v1/users/lookup?id=" + fixable.userId()).exchange().expectStatus().isOk();

        JsonNode again = redrive(Map.of("ids", List.of(id)));
        assertThat(again.path("sent")).isEmpty();
        assertThat(again.path("skipped").get(0).path("why").asText()).contains("already resolved");
        assertThat(delivery(fixable.runId())).isEqualTo("1/0");

        // Who re-drove is the login the re-drives were asked with.
        String operator = stack.apiLogins().operator().username();
        List<String> redrives = List.of(early.path("id").asText(), late.path("id").asText(), again.path("id").asText());
        assertThat(List.of(early, late, again)).allSatisfy(answer -> assertThat(answer.path("by").asText()).isEqualTo(operator));
        PipelineFixtures.await("the audit to list the three re-drives", PIPELINE,
                () -> get("/api/v1/redrives").findValuesAsString("id").containsAll(redrives));
        JsonNode audit = get("/api/v1/redrives");
        for (JsonNode redrive : audit) {
            if (redrives.contains(redrive.path("id").asText())) {
                assertThat(redrive.path("by").asText()).isEqualTo(operator);
            }
        }
        assertThat(audit.get(0).path("id").asText()).isEqualTo(again.path("id").asText());
        assertThat(audit.get(0).path("skipped").get(0).path("deadLetterId").asText()).isEqualTo(id);
    }

    @Test
    @Order(7)
    void reDrivesCorrectedData() throws Exception {
        FixableUser invalid = fixtures.produceUserWithEmail("not-an-address");
        PipelineFixtures.await("the invalid e-mail to be dead-lettered", PIPELINE, () -> deadLetter("invalid-email", invalid.userId()) != null);
        String id = deadLetter("invalid-email", invalid.userId()).path("id").asText();
        String fixed = "fixed-" + invalid.userId() + "@example.com";

        console.post().uri("/api/v1/dead-letters/redrive").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("ids", List.of(id), "corrections", Map.of("no.such", "x"))).exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.parameter").isEqualTo("corrections");
        JsonNode answer = redrive(Map.of("ids", List.of(id), "corrections", Map.of("email", fixed)));
        assertThat(answer.path("sent")).hasSize(1);
        // The audit, kept forever, names the corrected field, not its new value.
        assertThat(answer.path("selection").path("correctedFields")).extracting(JsonNode::asText).containsExactly("email");
        assertThat(answer.toString()).doesNotContain(fixed);
        PipelineFixtures.await("the re-drive in the audit log", PIPELINE,
                () -> get("/api/v1/redrives").findValuesAsString("id").contains(answer.path("id").asText()));
        assertThat(get("/api/v1/redrives").toString()).doesNotContain(fixed);
        PipelineFixtures.await("the corrected user to be stored", PIPELINE, () -> "1/0".equals(delivery(invalid.runId())));
        console.get().uri("/api/v1/users/lookup?id=" + invalid.userId()).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.email").isEqualTo(fixed);
        PipelineFixtures.await("the dead letter to show as resolved", PIPELINE,
                () -> "RESOLVED".equals(deadLetter("invalid-email", invalid.userId()).path("status").asText()));
    }

    @Test
    @Order(8)
    void refusesARedriveThatSelectsNothingOrTooMuch() {
        console.post().uri("/api/v1/dead-letters/redrive").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("reason", "x", "runId", "y")).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        console.post().uri("/api/v1/dead-letters/redrive").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of()).exchange()
                .expectStatus().isBadRequest();
        JsonNode poison = deadLetter("undecodable", poisonKey);
        JsonNode answer = redrive(Map.of("ids", List.of(poison.path("id").asText(), "users_created-0-999999999")));
        assertThat(answer.path("sent")).hasSize(1); // the poison goes back, and will be refused again: nothing is lost
        assertThat(answer.path("skipped").get(0).path("why").asText()).isEqualTo("no such dead letter");
    }

    @Test
    @Order(9)
    void showsServersSchemasAndUsers() throws Exception {
        PipelineFixtures.await("every server probed", PIPELINE, () -> get("/api/v1/servers").size() == 7);
        JsonNode servers = get("/api/v1/servers");
        for (String up : List.of("kafka", "schema-registry", "ingest-service", "stream-processor", "user-store-service", "cassandra")) {
            assertThat(find(servers, "name", up).path("status").asText()).as(up).isIn("UP", "SLOW");
        }
        JsonNode airflow = find(servers, "name", "airflow");
        assertThat(airflow.path("status").asText()).isEqualTo("UNREACHABLE");
        assertThat(airflow.path("detail").asText()).isNotBlank();

        JsonNode schemas = get("/api/v1/schemas");
        JsonNode created = find(schemas, "subject", "users_created-value");
        assertThat(created.path("versions").get(0).path("version").asInt()).isEqualTo(1);
        assertThat(created.path("compatibility").asText()).isEqualTo("BACKWARD");

        JsonNode latest = get("/api/v1/users/latest?limit=5");
        assertThat(latest).hasSize(5);
        assertThat(latest.findValuesAsString("id")).doesNotContainNull();
        PipelineFixtures.await("the latest users to be stored", PIPELINE,
                () -> get("/api/v1/users/latest?limit=5").findValues("stored").stream().allMatch(JsonNode::asBoolean));
        String email = latest.get(0).path("user").path("email").asText();
        console.get().uri("/api/v1/users/lookup?email=" + email).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.email").isEqualTo(email);
        console.get().uri("/api/v1/users/lookup?username=nobody-" + UUID.randomUUID()).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    @Order(10)
    void streamsLiveEvents() {
        List<String> names = console.get().uri("/api/v1/live").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(org.springframework.http.codec.ServerSentEvent.class)
                .getResponseBody()
                .take(8)
                .map(event -> String.valueOf(event.event()))
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(names).containsExactly("servers", "topics", "runs", "dead-letters", "servers", "topics", "runs", "dead-letters");
    }

    /** {@code client} sending {@code login} as HTTP Basic with every request. */
    static WebTestClient as(WebTestClient client, ApiLogin login) {
        return client.mutate().defaultHeaders(headers -> headers.setBasicAuth(login.username(), login.password())).build();
    }

    private JsonNode run(String id) {
        return find(get("/api/v1/runs").path("runs"), "runId", id);
    }

    private JsonNode deadLetter(String reason, String key) {
        return find(get("/api/v1/dead-letters?reason=" + reason + "&limit=1000"), "key", key);
    }

    private String delivery(String run) {
        JsonNode delivery = get(stack.userStoreServiceUrl() + "/api/v1/ingestions/" + run + "/delivery");
        return delivery.path("stored").asLong() + "/" + delivery.path("deadLettered").asLong();
    }

    private JsonNode redrive(Map<String, Object> request) {
        return console.post().uri("/api/v1/dead-letters/redrive").contentType(MediaType.APPLICATION_JSON).bodyValue(request)
                .exchange().expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private JsonNode get(String uri) {
        return console.get().uri(uri).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (value.equals(node.path(field).asText())) {
                return node;
            }
        }
        return null;
    }
}
