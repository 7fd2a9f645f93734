package io.userstream.ingest.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.userstream.ingest.ApiClients;
import io.userstream.ingest.TopicContents;
import io.userstream.ingest.api.RunView;
import io.userstream.ingest.fetch.RandomUserStub;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.ObjectMapper;

/**
 * Fault drill: PostgreSQL goes away in the middle of a run, for longer than a connection may be waited
 * for. The ledger writes of the run are retried within the outage budget: the run ends SUCCEEDED with
 * every page recorded once, instead of losing its thread and staying RUNNING.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "userstream.topics.users-created=users_created_ledger_outage_it",
        "spring.flyway.schemas=ingest_ledger_outage_it",
        "spring.flyway.default-schema=ingest_ledger_outage_it",
        "spring.datasource.hikari.schema=ingest_ledger_outage_it",
        // A ledger write then fails within the outage (ms) instead of waiting it out for a connection.
        "spring.datasource.hikari.connection-timeout=1000"})
@AutoConfigureWebTestClient(timeout = "60s") // the shared 2-core machine can be slow
class LedgerOutageIT {

    /** The drill's fault: several times the connection timeout, far shorter than the budget. */
    private static final Duration OUTAGE = Duration.ofSeconds(6);
    private static final int PAGES = 60;
    private static final int PAGE_SIZE = 50;
    private static final RandomUserStub STUB = new RandomUserStub();
    private static final MockWebServer SERVER = new MockWebServer();

    @Autowired
    WebTestClient web;
    @Autowired
    ObjectMapper json;

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

    @Test
    void aRunRidesOutAPostgresOutageShorterThanTheBudget(LocalStack stack) throws InterruptedException {
        STUB.delay(Duration.ofMillis(100)); // a run long enough to be in the middle of it when PostgreSQL goes
        UUID id = operator.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"source\": \"randomuser\", \"count\": " + PAGES * PAGE_SIZE + ", \"batchSize\": " + PAGE_SIZE
                        + ", \"seed\": \"ledger-outage\"}")
                .exchange().expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody().id();
        awaitRun(id, run -> run.pagesDone() >= 3);

        stack.stop(ServerKind.POSTGRES);
        try {
            Thread.sleep(OUTAGE.toMillis()); // the outage itself
        } finally {
            stack.start(ServerKind.POSTGRES);
        }

        RunView done = awaitRun(id, run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));
        assertThat(done.status()).as("last error: %s", done.lastError()).hasToString("SUCCEEDED");
        assertThat(done.fetched()).isEqualTo(PAGES * PAGE_SIZE);
        assertThat(done.published()).isEqualTo(PAGES * PAGE_SIZE);
        assertThat(done.pagesDone()).isEqualTo(PAGES);
        Set<String> expected = new HashSet<>();
        for (int page = 1; page <= PAGES; page++) {
            for (int position = 0; position < PAGE_SIZE; position++) {
                expected.add(RandomUserStub.loginUuid("ledger-outage", page, position).toString());
            }
        }
        assertThat(TopicContents.read(stack, "users_created_ledger_outage_it").keys()).isEqualTo(expected);
    }

    private RunView awaitRun(UUID id, Predicate<RunView> condition) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> current(id), run -> run != null && condition.test(run));
    }

    /**
     * The run, or null for the documented 503 problem: a pooled connection that PostgreSQL's restart broke
     * fails its next statement once (Hikari then drops it). Any other answer fails the test.
     */
    private RunView current(UUID id) {
        EntityExchangeResult<String> answer = reader.get().uri("/api/v1/ingestions/{id}", id).exchange()
                .expectBody(String.class).returnResult();
        if (answer.getStatus().value() == 503) {
            assertThat(answer.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            return null;
        }
        assertThat(answer.getStatus().value()).as(answer.getResponseBody()).isEqualTo(200);
        return json.readValue(answer.getResponseBody(), RunView.class);
    }
}
