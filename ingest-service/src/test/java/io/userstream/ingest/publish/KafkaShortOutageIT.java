package io.userstream.ingest.publish;

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
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Fault drill: the broker goes away for 20 s in the middle of a run, with the service's own producer
 * settings (application.yml). The run rides the outage out within its budget and ends SUCCEEDED with
 * every user, without a resume.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "userstream.topics.users-created=users_created_short_outage_it",
        "spring.flyway.schemas=ingest_short_outage_it",
        "spring.flyway.default-schema=ingest_short_outage_it",
        "spring.datasource.hikari.schema=ingest_short_outage_it"})
@AutoConfigureWebTestClient(timeout = "60s") // the shared 2-core machine can be slow
class KafkaShortOutageIT {

    /** The drill's fault: longer than the 15 s max.block.ms the producer had, far shorter than the budget. */
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final int PAGES = 80;
    private static final int PAGE_SIZE = 100;
    private static final RandomUserStub STUB = new RandomUserStub();
    private static final MockWebServer SERVER = new MockWebServer();

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
    void aRunRidesOutAKafkaOutageShorterThanTheBudget(LocalStack stack) throws InterruptedException {
        STUB.delay(Duration.ofMillis(200)); // a run long enough to be in the middle of it when Kafka goes
        UUID id = operator.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"source\": \"randomuser\", \"count\": " + PAGES * PAGE_SIZE + ", \"batchSize\": " + PAGE_SIZE
                        + ", \"seed\": \"short-outage\"}")
                .exchange().expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody().id();
        awaitRun(id, run -> run.pagesDone() >= 2);

        stack.stop(ServerKind.KAFKA);
        try {
            Thread.sleep(OUTAGE.toMillis()); // the outage itself
            assertThat(get(id).status()).as("during the outage").hasToString("RUNNING");
        } finally {
            stack.start(ServerKind.KAFKA);
        }

        RunView done = awaitRun(id, run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));
        assertThat(done.status()).as("last error: %s", done.lastError()).hasToString("SUCCEEDED");
        assertThat(done.published()).isEqualTo(PAGES * PAGE_SIZE);
        Set<String> expected = new HashSet<>();
        for (int page = 1; page <= PAGES; page++) {
            for (int position = 0; position < PAGE_SIZE; position++) {
                expected.add(RandomUserStub.loginUuid("short-outage", page, position).toString());
            }
        }
        assertThat(TopicContents.read(stack, "users_created_short_outage_it").keys()).containsAll(expected);
    }

    private RunView get(UUID id) {
        return reader.get().uri("/api/v1/ingestions/{id}", id).exchange()
                .expectStatus().isOk().expectBody(RunView.class).returnResult().getResponseBody();
    }

    private RunView awaitRun(UUID id, Predicate<RunView> condition) {
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(id), condition::test);
    }
}
