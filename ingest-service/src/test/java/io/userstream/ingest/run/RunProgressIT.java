package io.userstream.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.userstream.ingest.ApiClients;
import io.userstream.ingest.api.RunView;
import io.userstream.ingest.fetch.RandomUserStub;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
 * A run's counts follow Kafka's acknowledgements, not the next fetch: while randomuser.me keeps page 2
 * waiting (as its pacing can for minutes), page 1's users already show as published.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "userstream.topics.users-created=users_created_progress_it",
        "spring.flyway.schemas=ingest_progress_it",
        "spring.flyway.default-schema=ingest_progress_it",
        "spring.datasource.hikari.schema=ingest_progress_it",
        // The held page must stay a slow answer, not become a timeout and a retry.
        "ingest.randomuser.read-timeout=10m"})
@AutoConfigureWebTestClient(timeout = "60s") // the shared 2-core machine can be slow
class RunProgressIT {

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

    @AfterEach
    void releaseHeldRequests() {
        STUB.reset();
    }

    @AfterAll
    static void stopStub() {
        SERVER.close();
    }

    @Test
    void publishedCountsAPageAsSoonAsKafkaAcknowledgedItWhileTheNextFetchIsStillWaiting() {
        STUB.hang(2);
        UUID id = operator.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"source\": \"randomuser\", \"count\": 150, \"batchSize\": 50, \"seed\": \"progress\"}")
                .exchange().expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody().id();

        RunView whileWaiting = awaitRun(id, run -> run.published() == 50);
        assertThat(STUB.hung(2)).as("page 2 is still held").isEqualTo(1);
        assertThat(whileWaiting.status()).hasToString("RUNNING");
        assertThat(whileWaiting.fetched()).isEqualTo(50);
        assertThat(whileWaiting.pagesDone()).isEqualTo(1);

        STUB.release();
        RunView done = awaitRun(id, run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));
        assertThat(done.status()).hasToString("SUCCEEDED");
        assertThat(done.published()).isEqualTo(150);
        assertThat(STUB.requests("progress", 2)).isEqualTo(1);
    }

    private RunView awaitRun(UUID id, Predicate<RunView> condition) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> reader.get().uri("/api/v1/ingestions/{id}", id).exchange()
                        .expectStatus().isOk().expectBody(RunView.class).returnResult().getResponseBody(), condition::test);
    }
}
