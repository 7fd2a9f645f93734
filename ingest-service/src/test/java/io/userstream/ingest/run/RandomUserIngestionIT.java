package io.userstream.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.userstream.ingest.ApiClients;
import io.userstream.ingest.TopicContents;
import io.userstream.ingest.api.RunView;
import io.userstream.ingest.fetch.RandomUserStub;
import io.userstream.ingest.ledger.FailedUser;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.schema.IngestSource;
import io.userstream.schema.UserCreated;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * randomuser runs end to end: a local stub of the API (errors, 429, timeouts, malformed JSON, users
 * in unusable shapes) → the service → real Kafka, schema registry and PostgreSQL.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "userstream.topics.users-created=" + RandomUserIngestionIT.TOPIC,
        "spring.flyway.schemas=ingest_randomuser_it",
        "spring.flyway.default-schema=ingest_randomuser_it",
        "spring.datasource.hikari.schema=ingest_randomuser_it",
        "ingest.randomuser.read-timeout=1s",
        "ingest.randomuser.max-retries=3",
        "ingest.randomuser.min-backoff=10ms",
        "ingest.randomuser.max-backoff=50ms",
        "ingest.randomuser.default-retry-after=100ms",
        "ingest.randomuser.max-rate-limited-retries=3"})
@AutoConfigureWebTestClient(timeout = "60s") // the shared 2-core machine can be slow
class RandomUserIngestionIT {

    static final String TOPIC = "users_created_randomuser_it";
    private static final RandomUserStub STUB = new RandomUserStub();
    private static final MockWebServer SERVER = new MockWebServer();

    @Autowired
    WebTestClient web;
    @Autowired
    MeterRegistry meters;

    /** The stack's API logins, as the roles say: reader reads runs, operator starts and resumes them. */
    WebTestClient reader;
    WebTestClient operator;

    @BeforeEach
    void logIn(LocalStack stack) {
        reader = ApiClients.as(web, stack.apiLogins().reader());
        operator = ApiClients.as(web, stack.apiLogins().operator());
    }

    @DynamicPropertySource
    static void randomUserStub(DynamicPropertyRegistry registry) throws IOException {
        SERVER.setDispatcher(STUB);
        SERVER.start();
        registry.add("ingest.randomuser.base-url", () -> SERVER.url("/api/1.4/").toString());
    }

    @AfterAll
    static void stopStub() {
        SERVER.close();
    }

    @BeforeEach
    void resetStub() {
        STUB.reset();
    }

    @AfterEach
    void releaseHungRequests() {
        STUB.release();
    }

    @Test
    void aRunSurvivesTheApisTroublesAndAccountsForEveryUser(LocalStack stack) {
        STUB.unusableEvery(20)
                .script(1, RandomUserStub.status(500))
                .script(2, RandomUserStub.tooManyRequests("1"))
                .script(3, RandomUserStub.malformed())
                .script(4, new MockResponse.Builder().code(200).body("{\"results\": []}").headersDelay(3, TimeUnit.SECONDS).build())
                .script(5, RandomUserStub.status(503));
        double rateLimitedBefore = meters.counter("ingest.randomuser.rate.limited").count();

        RunView run = start("{\"source\": \"randomuser\", \"count\": 230, \"batchSize\": 50, \"seed\": \"troubles\", "
                + "\"nationalities\": [\"de\", \"FR\"]}");
        RunView done = awaitFinished(run.id());

        // 5 pages (50, 50, 50, 50, 30): positions 19 and 39 of each full page and 19 of the last are unusable.
        assertThat(done.status()).hasToString("SUCCEEDED");
        assertThat(done.nationalities()).containsExactly("DE", "FR");
        assertThat(done.fetched()).isEqualTo(230);
        assertThat(done.failed()).isEqualTo(9);
        assertThat(done.published()).isEqualTo(221);
        assertThat(meters.counter("ingest.randomuser.rate.limited").count() - rateLimitedBefore).isEqualTo(1);

        List<FailedUser> failures = operator.get().uri("/api/v1/ingestions/{id}/failures", run.id()).exchange()
                .expectStatus().isOk().expectBody(new ParameterizedTypeReference<List<FailedUser>>() { })
                .returnResult().getResponseBody();
        assertThat(failures).hasSize(9).allSatisfy(f -> assertThat(f.reason()).isEqualTo("missing field location.city"));
        assertThat(failures).extracting(FailedUser::page, FailedUser::position).contains(
                org.assertj.core.groups.Tuple.tuple(1, 19), org.assertj.core.groups.Tuple.tuple(5, 19));

        TopicContents topic = TopicContents.read(stack, TOPIC);
        List<UserCreated> ofRun = topic.users().stream().filter(u -> u.getIngestion().getRunId().equals(run.id())).toList();
        assertThat(ofRun).hasSize(221).allSatisfy(user -> {
            assertThat(user.getIngestion().getSource()).isEqualTo(IngestSource.RANDOMUSER);
            assertThat(user.getNat()).isEqualTo("DE");
            assertThat(user.getNationalId()).as("the national identifier, dropped by default").isNull();
        });
        assertThat(keysOf(ofRun)).isEqualTo(expectedKeys("troubles", 230, 50, 20));
        assertThat(topic.keys()).containsAll(expectedKeys("troubles", 230, 50, 20));
        // The stub sends password, salt, md5, sha1 and sha256 with every user: none may reach Kafka.
        // Nor may the national identifiers it sends ("405-88-1001" ...), dropped by default.
        for (String secret : List.of("hunter2", "NaCl", "md5-", "sha1-", "sha256-", "password", "405-88-")) {
            assertThat(topic.anyValueContains(secret)).as("a published record contains %s", secret).isFalse();
        }
    }

    @Test
    void aPageThatKeepsFailingFailsTheRunAndAResumeFetchesOnlyWhatIsMissing(LocalStack stack) {
        for (int i = 0; i < 4; i++) {
            STUB.script(3, RandomUserStub.status(500));
        }

        RunView run = start("{\"source\": \"randomuser\", \"count\": 250, \"batchSize\": 50, \"seed\": \"resume\"}");
        RunView failed = awaitFinished(run.id());

        assertThat(failed.status()).hasToString("FAILED");
        assertThat(failed.lastError()).contains("page 3").contains("500");
        assertThat(failed.pagesDone()).isEqualTo(2);
        assertThat(failed.published()).isEqualTo(100);
        assertThat(STUB.requests("resume", 3)).isEqualTo(4);

        operator.post().uri("/api/v1/ingestions/{id}/resume", run.id()).exchange()
                .expectStatus().isAccepted()
                .expectHeader().valueEquals("Location", "/api/v1/ingestions/" + run.id());
        RunView resumed = awaitFinished(run.id());

        assertThat(resumed.status()).hasToString("SUCCEEDED");
        assertThat(resumed.lastError()).isNull();
        assertThat(resumed.fetched()).isEqualTo(250);
        assertThat(resumed.published()).isEqualTo(250);
        assertThat(resumed.pagesDone()).isEqualTo(5);
        // Pages 1 and 2 were acknowledged before the failure: not fetched again.
        assertThat(STUB.requests("resume", 1)).isEqualTo(1);
        assertThat(STUB.requests("resume", 2)).isEqualTo(1);
        assertThat(STUB.requests("resume", 3)).isEqualTo(5);
        assertThat(STUB.requests("resume", 4)).isEqualTo(1);

        TopicContents topic = TopicContents.read(stack, TOPIC);
        List<UserCreated> ofRun = topic.users().stream().filter(u -> u.getIngestion().getRunId().equals(run.id())).toList();
        assertThat(ofRun).hasSize(250);
        assertThat(keysOf(ofRun)).isEqualTo(expectedKeys("resume", 250, 50, 0));
    }

    @Test
    void aRequestTheApiNeverAnswersIsGivenUpAfterTheReadTimeoutAndAskedAgain() {
        // A hang of any length (60 s were seen): only the read timeout, 1 s here, is waited.
        STUB.hang(2);

        RunView done = awaitFinished(start("{\"source\": \"randomuser\", \"count\": 150, \"batchSize\": 50, \"seed\": \"hang\"}").id());

        assertThat(done.status()).hasToString("SUCCEEDED");
        assertThat(done.published()).isEqualTo(150);
        assertThat(STUB.hung(2)).isEqualTo(1);
        assertThat(STUB.requests("hang", 2)).isEqualTo(2);
    }

    @Test
    void aRunIsCountedAsFailedWhenTheApiAlwaysRateLimits() {
        for (int i = 0; i < 4; i++) {
            STUB.script(1, RandomUserStub.tooManyRequests(null));
        }

        RunView failed = awaitFinished(start("{\"source\": \"randomuser\", \"count\": 10, \"seed\": \"limited\"}").id());

        assertThat(failed.status()).hasToString("FAILED");
        assertThat(failed.lastError()).contains("rate limited");
        assertThat(failed.published()).isZero();
    }

    static Set<String> expectedKeys(String seed, int count, int batchSize, int unusableEvery) {
        Set<String> keys = new HashSet<>();
        for (int index = 0; index < count; index++) {
            int position = index % batchSize;
            if (unusableEvery > 0 && position % unusableEvery == unusableEvery - 1) {
                continue;
            }
            keys.add(RandomUserStub.loginUuid(seed, index / batchSize + 1, position).toString());
        }
        return keys;
    }

    private static Set<String> keysOf(List<UserCreated> users) {
        Set<String> keys = new HashSet<>();
        users.forEach(user -> keys.add(user.getLogin().getUuid().toString()));
        return keys;
    }

    private RunView start(String body) {
        return operator.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody();
    }

    private RunView awaitFinished(UUID id) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> reader.get().uri("/api/v1/ingestions/{id}", id).exchange()
                                .expectStatus().isOk().expectBody(RunView.class).returnResult().getResponseBody(),
                        run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));
    }
}
