package io.userstream.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.ApiLogin;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.localstack.test.SharedLocalStack;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Who may call what of the console, on the real pipeline (as {@link ConsoleIT}): every endpoint without
 * credentials is a 401 problem, every operator's endpoint is a 403 problem for a reader, and the right role gets its
 * answer. The console calls the services with its reader login, and a resume with its caller's own; the live
 * stream shows a reader the dead letters' counts, never their samples; the re-drive audit records the login, not
 * what the request says; health tells an anonymous caller its status only.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA, ServerKind.POSTGRES,
        ServerKind.INGEST, ServerKind.PROCESSOR, ServerKind.STORE})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleAccessIT {

    private static final Duration PIPELINE = Duration.ofSeconds(120);

    /** A call of the console: method, path (with a query where it needs one), JSON body or null. */
    record Call(HttpMethod method, String path, Object body) {

        static Call get(String path) {
            return new Call(HttpMethod.GET, path, null);
        }

        static Call post(String path, Object body) {
            return new Call(HttpMethod.POST, path, body);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** What a reader (and an operator: roles are not nested) may call, and the status the call answers. */
    static Stream<Object[]> readersCalls() {
        return Stream.of(
                new Object[] {Call.get("/"), 200},
                new Object[] {Call.get("/index.html"), 200},
                new Object[] {Call.get("/app.js"), 200},
                new Object[] {Call.get("/app.css"), 200},
                new Object[] {Call.get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js"), 200},
                new Object[] {Call.get("/api/v1/me"), 200},
                new Object[] {Call.get("/api/v1/servers"), 200},
                new Object[] {Call.get("/api/v1/topics"), 200},
                new Object[] {Call.get("/api/v1/topics/history"), 200},
                new Object[] {Call.get("/api/v1/topics/users_created/messages?partition=0&offset=0&limit=1"), 200},
                new Object[] {Call.get("/api/v1/runs"), 200},
                new Object[] {Call.get("/api/v1/schemas"), 200},
                new Object[] {Call.get("/api/v1/users/latest?limit=1"), 200},
                // The store's own 404: it accepted the console's login (a refused one is a 503 naming it).
                new Object[] {Call.get("/api/v1/users/lookup?username=nobody-" + UUID.randomUUID()), 404},
                new Object[] {Call.get("/actuator/metrics"), 200},
                new Object[] {Call.get("/actuator/prometheus"), 200});
    }

    /** What only an operator may call, and the status the call answers an operator. */
    static Stream<Object[]> operatorsCalls() {
        return Stream.of(
                new Object[] {Call.get("/api/v1/dead-letters?limit=5"), 200},
                new Object[] {Call.get("/api/v1/dead-letters/summary"), 200},
                new Object[] {Call.post("/api/v1/dead-letters/redrive", Map.of("reason", "no-such-reason-" + UUID.randomUUID())), 202},
                new Object[] {Call.get("/api/v1/redrives"), 200},
                // ingest-service's own 404, to the operator's login the console passed on (its own reader login would be a 403).
                new Object[] {Call.post("/api/v1/runs/" + UUID.randomUUID() + "/resume", null), 404},
                // The records of the dead letters and of the audit hold what the two lists above hold.
                new Object[] {Call.get("/api/v1/topics/users_dlq/messages?partition=0&offset=0&limit=1"), 200},
                new Object[] {Call.get("/api/v1/topics/users%5Fdlq/messages?partition=0&offset=0&limit=1"), 200},
                new Object[] {Call.get("/api/v1/topics/users_redrive_audit/messages?partition=0&offset=0&limit=1"), 200},
                // A write not named anywhere is an operator's (here: no such endpoint).
                new Object[] {Call.post("/api/v1/servers", Map.of()), 405});
    }

    static Stream<Object[]> everyCall() {
        return Stream.concat(readersCalls(), operatorsCalls());
    }

    @Autowired
    WebTestClient anonymous;
    @LocalServerPort
    int port;

    private LocalStack stack;
    private WebTestClient reader;
    private WebTestClient operator;

    @DynamicPropertySource
    static void servicesOfTheStack(DynamicPropertyRegistry registry) {
        ConsoleIT.servicesOfTheStack(registry);
    }

    /** A run, so users_created and users_processed have records; a poison record, so there is a dead letter. */
    @BeforeAll
    void somethingToShow() throws Exception {
        stack = SharedLocalStack.ensureStarted(ConsoleIT.STACK);
        reader = ConsoleIT.as(anonymous, stack.apiLogins().reader());
        operator = ConsoleIT.as(anonymous, stack.apiLogins().operator());
        PipelineFixtures fixtures = new PipelineFixtures(stack);
        String runId = fixtures.startRun(20, "console-access-it");
        String poisonKey = "poison-" + UUID.randomUUID();
        fixtures.producePoison(poisonKey);
        PipelineFixtures.await("the run to be stored and the poison record dead-lettered", PIPELINE, () ->
                get(operator, "/api/v1/runs").path("runs").findValuesAsString("runId").contains(runId)
                        && get(operator, "/api/v1/dead-letters?reason=undecodable&limit=1000").findValuesAsString("key").contains(poisonKey));
        // The console creates the audit topic with its first re-drive.
        call(operator, Call.post("/api/v1/dead-letters/redrive", Map.of("reason", "no-such-reason"))).expectStatus().isAccepted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCall")
    void withoutCredentialsIs401Problem(Call call, int ignored) {
        expectProblem(call(anonymous, call), 401)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCall")
    void withAWrongPasswordIs401Problem(Call call, int ignored) {
        ApiLogin wrong = new ApiLogin(stack.apiLogins().operator().username(), "not-" + stack.apiLogins().operator().password());
        expectProblem(call(ConsoleIT.as(anonymous, wrong), call), 401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operatorsCalls")
    void aReaderOnAnOperatorsEndpointIs403Problem(Call call, int ignored) {
        expectProblem(call(reader, call), 403);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readersCalls")
    void aReaderGetsItsAnswer(Call call, int status) {
        call(reader, call).expectStatus().isEqualTo(status);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyCall")
    void anOperatorGetsItsAnswer(Call call, int status) {
        call(operator, call).expectStatus().isEqualTo(status);
    }

    @Test
    void thePageAsksABrowserForALogin() {
        call(anonymous, Call.get("/")).expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"");
        reader.get().uri("/").exchange().expectStatus().isOk().expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML);
    }

    @Test
    void meNamesTheCallerAndItsRoles() {
        JsonNode me = get(reader, "/api/v1/me");
        assertThat(me.path("name").asText()).isEqualTo(stack.apiLogins().reader().username());
        assertThat(me.path("roles").size()).isEqualTo(1);
        assertThat(me.path("roles").get(0).asText()).isEqualTo("reader");
        assertThat(me.path("operator").asBoolean()).isFalse();
        JsonNode operatorMe = get(operator, "/api/v1/me");
        assertThat(operatorMe.path("name").asText()).isEqualTo(stack.apiLogins().operator().username());
        assertThat(operatorMe.path("operator").asBoolean()).isTrue();
    }

    @Test
    void theLiveStreamShowsAReaderTheDeadLettersCountsButNoSample() {
        JsonNode operatorsSummary = deadLettersEvent(operator);
        JsonNode undecodable = find(operatorsSummary.path("byReason"), "undecodable");
        assertThat(undecodable.path("count").asLong()).isPositive();
        assertThat(undecodable.path("samples").size()).isPositive();

        JsonNode readersSummary = deadLettersEvent(reader);
        assertThat(readersSummary.path("total").asLong()).isEqualTo(operatorsSummary.path("total").asLong());
        assertThat(find(readersSummary.path("byReason"), "undecodable").path("count").asLong()).isPositive();
        for (JsonNode group : readersSummary.path("byReason")) {
            assertThat(group.path("samples").isArray()).isTrue();
            assertThat(group.path("samples")).as("samples of %s", group.path("reason")).isEmpty();
        }
        assertThat(readersSummary.toString()).doesNotContain("wire format");
    }

    @Test
    void theAuditRecordsTheLoginNotWhatTheRequestSays() {
        String reason = "no-such-reason-" + UUID.randomUUID();
        JsonNode answer = call(operator, Call.post("/api/v1/dead-letters/redrive", Map.of("by", "someone-else", "reason", reason)))
                .expectStatus().isAccepted().expectBody(JsonNode.class).returnResult().getResponseBody();
        String operatorName = stack.apiLogins().operator().username();
        assertThat(answer.path("by").asText()).isEqualTo(operatorName);
        String id = answer.path("id").asText();
        PipelineFixtures.await("the audit to list the re-drive", PIPELINE,
                () -> get(operator, "/api/v1/redrives").findValuesAsString("id").contains(id));
        for (JsonNode redrive : get(operator, "/api/v1/redrives")) {
            if (id.equals(redrive.path("id").asText())) {
                assertThat(redrive.path("by").asText()).isEqualTo(operatorName);
                assertThat(redrive.path("selection").path("reason").asText()).isEqualTo(reason);
            }
        }
    }

    @Test
    void theApiDocumentIsOpenAndSaysWhoReDrives() {
        JsonNode document = get(anonymous, "/v3/api-docs");
        assertThat(document.path("components").path("schemas").path("RedriveRequest").path("properties").has("by")).isFalse();
        assertThat(document.path("paths").path("/api/v1/dead-letters/redrive").path("post").path("description").asText())
                .contains("authenticated caller");
        assertThat(document.path("components").path("securitySchemes").has("basicAuth")).isTrue();
    }

    @Test
    void healthTellsAnAnonymousCallerItsStatusOnlyAndALoggedInOneTheDetails() {
        JsonNode open = get(anonymous, "/actuator/health");
        assertThat(open.path("status").asText()).isEqualTo("UP");
        assertThat(open.has("components")).isFalse();
        assertThat(open.has("details")).isFalse();
        JsonNode detailed = get(reader, "/actuator/health");
        assertThat(detailed.path("components").has("tails")).as("components: %s", detailed.path("components")).isTrue();
    }

    @Test
    void theConsoleReadsTheServicesWithItsLogin() {
        // user-store-service shows Cassandra's health to a logged-in caller only: the console shows Cassandra UP.
        PipelineFixtures.await("cassandra shown as user-store-service sees it", PIPELINE, () -> {
            JsonNode cassandra = null;
            for (JsonNode server : get(reader, "/api/v1/servers")) {
                if ("cassandra".equals(server.path("name").asText())) {
                    cassandra = server;
                }
            }
            return cassandra != null && "UP".equals(cassandra.path("status").asText());
        });
        JsonNode runs = get(reader, "/api/v1/runs");
        assertThat(runs.path("error").isNull()).as("runs error: %s", runs.path("error")).isTrue();
        assertThat(runs.path("runs").get(0).path("stored").asLong()).as("delivery read from the store").isNotNegative();
    }

    private JsonNode deadLettersEvent(WebTestClient client) {
        List<ServerSentEvent<JsonNode>> events = client.get().uri("/api/v1/live").accept(MediaType.TEXT_EVENT_STREAM).exchange()
                .expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<ServerSentEvent<JsonNode>>() {
                })
                .getResponseBody()
                .take(4)
                .collectList()
                .block(Duration.ofSeconds(30));
        assertThat(events).isNotNull();
        return events.stream().filter(event -> "dead-letters".equals(event.event())).findFirst().orElseThrow().data();
    }

    private static WebTestClient.ResponseSpec expectProblem(WebTestClient.ResponseSpec response, int status) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(status);
        return response;
    }

    /** The path as it is, not encoded again (one of them is percent-encoded on purpose). */
    private WebTestClient.ResponseSpec call(WebTestClient client, Call call) {
        WebTestClient.RequestBodySpec request = client.method(call.method()).uri(URI.create("http://127.0.0.1:" + port + call.path()));
        if (call.body() != null) {
            return request.contentType(MediaType.APPLICATION_JSON).bodyValue(call.body()).exchange();
        }
        return request.exchange();
    }

    private static JsonNode get(WebTestClient client, String uri) {
        return client.get().uri(uri).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private static JsonNode find(JsonNode groups, String reason) {
        for (JsonNode group : groups) {
            if (reason.equals(group.path("reason").asText())) {
                return group;
            }
        }
        throw new AssertionError("no group of reason " + reason + " in " + groups);
    }
}
