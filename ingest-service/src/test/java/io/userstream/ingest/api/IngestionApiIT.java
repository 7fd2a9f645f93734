package io.userstream.ingest.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.userstream.ingest.ApiClients;
import io.userstream.ingest.TopicContents;
import io.userstream.ingest.fetch.FakerUserSource;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.schema.IngestSource;
import io.userstream.schema.RecordHeaders;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The REST API against real Kafka, schema registry and PostgreSQL, with the offline Datafaker source. */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "userstream.topics.users-created=users_created_api_it",
        "spring.flyway.schemas=ingest_api_it",
        "spring.flyway.default-schema=ingest_api_it",
        "spring.datasource.hikari.schema=ingest_api_it"})
@AutoConfigureWebTestClient(timeout = "60s") // the shared 2-core machine can be slow
class IngestionApiIT {

    private static final String TOPIC = "users_created_api_it";

    @Autowired
    WebTestClient web;

    /** The stack's API logins, as the roles say: reader reads runs, operator starts and resumes them. */
    WebTestClient reader;
    WebTestClient operator;

    @BeforeEach
    void logIn(LocalStack stack) {
        reader = ApiClients.as(web, stack.apiLogins().reader());
        operator = ApiClients.as(web, stack.apiLogins().operator());
    }

    @Test
    void aFakerRunPublishesEveryRequestedUserKeyedByLoginUuid(LocalStack stack) {
        RunView accepted = post("{\"source\": \"faker\", \"count\": 2500, \"batchSize\": 1000, \"seed\": \"api-it\"}")
                .expectStatus().isAccepted()
                .expectHeader().valueMatches("Location", "/api/v1/ingestions/[0-9a-f-]{36}")
                .expectBody(RunView.class).returnResult().getResponseBody();
        assertThat(accepted.source()).isEqualTo("faker");
        assertThat(accepted.requested()).isEqualTo(2500);
        assertThat(accepted.pages()).isEqualTo(3);

        RunView done = awaitFinished(accepted.id());

        assertThat(done.status()).hasToString("SUCCEEDED");
        assertThat(done.fetched()).isEqualTo(2500);
        assertThat(done.published()).isEqualTo(2500);
        assertThat(done.failed()).isZero();
        assertThat(done.pagesDone()).isEqualTo(3);
        assertThat(done.lastError()).isNull();
        assertThat(done.startedAt()).isNotNull();
        assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());

        TopicContents topic = TopicContents.read(stack, TOPIC);
        Set<String> expected = LongStream.range(0, 2500).mapToObj(i -> FakerUserSource.loginUuid("api-it", i).toString())
                .collect(Collectors.toSet());
        assertThat(topic.keys()).containsAll(expected);
        assertThat(topic.users()).filteredOn(user -> user.getIngestion().getRunId().equals(done.id()))
                .hasSize(2500)
                .allSatisfy(user -> {
                    assertThat(user.getIngestion().getSource()).isEqualTo(IngestSource.FAKER);
                    assertThat(expected).contains(user.getLogin().getUuid().toString());
                    // Dropped at the boundary by default (ingest.personal-data.keep-national-id).
                    assertThat(user.getNationalId()).as("nationalId of %s", user.getLogin().getUuid()).isNull();
                });
        // Every record of the run names it in a header too (records and users are in the same order).
        for (int i = 0; i < topic.records().size(); i++) {
            if (topic.users().get(i).getIngestion().getRunId().equals(done.id())) {
                assertThat(RecordHeaders.text(topic.records().get(i).headers(), RecordHeaders.RUN_ID))
                        .as("userstream.run-id of %s", topic.records().get(i).key()).isEqualTo(done.id().toString());
            }
        }
    }

    @Test
    void theSameIdempotencyKeyReturnsTheFirstRun() {
        String key = "key-" + UUID.randomUUID();
        RunView first = operator.post().uri("/api/v1/ingestions").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"source\": \"faker\", \"count\": 10}")
                .exchange().expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody();
        RunView again = operator.post().uri("/api/v1/ingestions").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"source\": \"faker\", \"count\": 10}")
                .exchange().expectStatus().isOk()
                .expectHeader().valueEquals("Location", "/api/v1/ingestions/" + first.id())
                .expectBody(RunView.class).returnResult().getResponseBody();

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(awaitFinished(first.id()).published()).isEqualTo(10);
    }

    @Test
    void theSameIdempotencyKeyWithADifferentBodyIsA422ProblemNamingTheKey() {
        String key = "key-" + UUID.randomUUID();
        RunView first = operator.post().uri("/api/v1/ingestions").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"source\": \"faker\", \"count\": 10, \"seed\": \"first\"}")
                .exchange().expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody();

        operator.post().uri("/api/v1/ingestions").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"source\": \"faker\", \"count\": 11, \"seed\": \"first\"}")
                .exchange().expectStatus().isEqualTo(HttpStatus.UNPROCESSABLE_CONTENT)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(422)
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains(key))
                .jsonPath("$.runId").isEqualTo(first.id().toString());
        // The same body again (whitespace and case of nationality codes aside) is still the first run.
        operator.post().uri("/api/v1/ingestions").header("Idempotency-Key", key)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{ \"count\": 10, \"source\": \"faker\", \"seed\": \"first\" }")
                .exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(first.id().toString());
    }

    @Test
    void unknownNationalitiesAre400ProblemsNamingThemAndListingTheSupportedOnes() {
        post("{\"source\": \"randomuser\", \"count\": 10, \"nationalities\": [\"DE\", \"XX\", \"qq\"]}")
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail").value(detail -> assertThat((String) detail)
                        .contains("nationalities").contains("XX").contains("QQ"))
                .jsonPath("$.errors[0].field").isEqualTo("nationalities")
                .jsonPath("$.supported.length()").isEqualTo(21)
                .jsonPath("$.supported[0]").isEqualTo("AU");
        post("{\"source\": \"faker\", \"count\": 10, \"nationalities\": [\"XX\"]}").expectStatus().isBadRequest();
        post("{\"source\": \"faker\", \"count\": 10, \"nationalities\": [\"ua\", \"IR\"]}").expectStatus().isAccepted();
    }

    @Test
    void recentRunsAreListedNewestFirst() {
        RunView older = post("{\"source\": \"faker\", \"count\": 5}").expectStatus().isAccepted()
                .expectBody(RunView.class).returnResult().getResponseBody();
        RunView newer = post("{\"source\": \"faker\", \"count\": 5}").expectStatus().isAccepted()
                .expectBody(RunView.class).returnResult().getResponseBody();

        reader.get().uri("/api/v1/ingestions?limit=2").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.length()").isEqualTo(2)
                .jsonPath("$[0].id").isEqualTo(newer.id().toString())
                .jsonPath("$[1].id").isEqualTo(older.id().toString());
    }

    @Test
    void invalidBodiesAre400ProblemsNamingTheField() {
        problem(post("{\"source\": \"faker\", \"count\": 0}"), "count");
        problem(post("{\"source\": \"faker\", \"count\": 1000001}"), "count");
        problem(post("{\"source\": \"faker\"}"), "count");
        problem(post("{\"source\": \"faker\", \"count\": 10, \"batchSize\": 5001}"), "batchSize");
        problem(post("{\"source\": \"faker\", \"count\": 10, \"batchSize\": 0}"), "batchSize");
        problem(post("{\"source\": \"twitter\", \"count\": 10}"), "source");
        problem(post("{\"count\": 10}"), "source");
        problem(post("{\"source\": \"faker\", \"count\": 10, \"seed\": \"no spaces\"}"), "seed");
        problem(post("{\"source\": \"faker\", \"count\": 10, \"nationalities\": [\"DEU\"]}"), "nationalities[0]");
        problem(post("{\"source\": \"faker\", \"count\": \"many\"}"), "count");
    }

    @Test
    void malformedJsonIsA400Problem() {
        post("{\"source\": \"faker\", ").expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.status").isEqualTo(400);
    }

    @Test
    void invalidParametersAre400ProblemsNamingTheParameter() {
        reader.get().uri("/api/v1/ingestions?limit=0").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("limit"));
        reader.get().uri("/api/v1/ingestions/not-a-uuid").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("id"));
    }

    @Test
    void anOverlongIdempotencyKeyIsA400ProblemNamingTheHeader() {
        problem(operator.post().uri("/api/v1/ingestions").header("Idempotency-Key", "k".repeat(201))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"source\": \"faker\", \"count\": 1}").exchange(),
                "Idempotency-Key");
    }

    @Test
    void anUnknownRunIs404() {
        UUID unknown = UUID.randomUUID();
        reader.get().uri("/api/v1/ingestions/{id}", unknown).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("No ingestion run with id " + unknown);
        operator.post().uri("/api/v1/ingestions/{id}/resume", unknown).exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aSucceededRunCannotBeResumed() {
        RunView run = post("{\"source\": \"faker\", \"count\": 3}").expectStatus().isAccepted()
                .expectBody(RunView.class).returnResult().getResponseBody();
        awaitFinished(run.id());

        operator.post().uri("/api/v1/ingestions/{id}/resume", run.id()).exchange()
                .expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("SUCCEEDED"));
    }

    @Test
    void healthShowsKafkaAndPostgres() {
        reader.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.kafka.status").isEqualTo("UP")
                .jsonPath("$.components.db.status").isEqualTo("UP")
                .jsonPath("$.components.db.details.database").isEqualTo("PostgreSQL");
    }

    @Test
    void metricsAndOpenApiAreServed() {
        post("{\"source\": \"faker\", \"count\": 7}").expectStatus().isAccepted();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> reader.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("ingest_users_published_total")));
        web.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.paths['/api/v1/ingestions'].post").exists()
                .jsonPath("$.paths['/api/v1/ingestions/{id}/resume'].post").exists();
    }

    private WebTestClient.ResponseSpec post(String body) {
        return operator.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static void problem(WebTestClient.ResponseSpec response, String field) {
        response.expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains(field))
                .jsonPath("$.errors[0]").exists();
    }

    private RunView awaitFinished(UUID id) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> reader.get().uri("/api/v1/ingestions/{id}", id).exchange()
                                .expectStatus().isOk().expectBody(RunView.class).returnResult().getResponseBody(),
                        run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));
    }
}
