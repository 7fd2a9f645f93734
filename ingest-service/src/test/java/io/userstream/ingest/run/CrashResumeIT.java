package io.userstream.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.userstream.ingest.IngestServiceApplication;
import io.userstream.ingest.TopicContents;
import io.userstream.ingest.api.RunView;
import io.userstream.ingest.fetch.RandomUserStub;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The service stopped in the middle of a run, then started again on the same database: the run shows
 * as FAILED (interrupted), a resume fetches only the pages not acknowledged, and the topic ends up
 * with exactly the requested users' keys.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
class CrashResumeIT {

    private static final String TOPIC = "users_created_crash_it";
    private static final String SCHEMA = "ingest_crash_it";
    private static final RandomUserStub STUB = new RandomUserStub();
    private static final MockWebServer SERVER = new MockWebServer();

    @BeforeAll
    static void startStub() throws IOException {
        SERVER.setDispatcher(STUB);
        SERVER.start();
    }

    @AfterAll
    static void stopStub() {
        SERVER.close();
    }

    @Test
    void aRunStoppedHalfWayResumesWithEveryUserAndNoneMissing(LocalStack stack) {
        STUB.reset().delay(Duration.ofMillis(200)); // slow enough to stop the service half way
        UUID id;
        try (ConfigurableApplicationContext first = start(stack)) {
            id = startRun(client(first), "{\"source\": \"randomuser\", \"count\": 1500, \"batchSize\": 50, \"seed\": \"crash\"}");
            awaitRun(client(first), id, run -> run.pagesDone() >= 5);
        }
        STUB.reset();
        Map<Integer, Integer> requestsBeforeResume = requestsPerPage("crash", 30);

        try (ConfigurableApplicationContext second = start(stack)) {
            WebTestClient web = client(second);
            RunView interrupted = get(web, id);
            assertThat(interrupted.status()).hasToString("FAILED");
            assertThat(interrupted.lastError()).startsWith("interrupted");
            assertThat(interrupted.pagesDone()).isBetween(5, 29);
            int pagesDoneBefore = interrupted.pagesDone();

            resume(web, id);
            RunView done = awaitRun(web, id, run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));

            assertThat(done.status()).hasToString("SUCCEEDED");
            assertThat(done.fetched()).isEqualTo(1500);
            assertThat(done.published()).isEqualTo(1500);
            assertThat(done.pagesDone()).isEqualTo(30);
            // Only pages not recorded done were fetched again.
            Map<Integer, Integer> requestsAfterResume = requestsPerPage("crash", 30);
            int refetched = 0;
            for (int page = 1; page <= 30; page++) {
                refetched += requestsAfterResume.get(page) - requestsBeforeResume.get(page);
            }
            assertThat(refetched).isEqualTo(30 - pagesDoneBefore);
        }

        TopicContents topic = TopicContents.read(stack, TOPIC);
        assertThat(topic.keys()).isEqualTo(RandomUserIngestionIT.expectedKeys("crash", 1500, 50, 0));
        assertThat(topic.records().size()).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void aRunLeftRunningByAKilledProcessIsMarkedInterruptedAtStartUpAndResumes(LocalStack stack) throws Exception {
        STUB.reset().delay(Duration.ofMillis(200));
        UUID id;
        try (ConfigurableApplicationContext first = start(stack)) {
            id = startRun(client(first), "{\"source\": \"randomuser\", \"count\": 400, \"batchSize\": 50, \"seed\": \"killed\"}");
            awaitRun(client(first), id, run -> run.pagesDone() >= 2);
        }
        // A killed process records nothing on the way out: its run stays RUNNING in the ledger.
        try (Connection db = DriverManager.getConnection(stack.postgresJdbcUrl("postgres"), stack.postgresUsername(), "");
             PreparedStatement update = db.prepareStatement("update " + SCHEMA
                     + ".ingestion_run set status = 'RUNNING', last_error = null, finished_at = null where id = ?")) {
            update.setObject(1, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        STUB.reset();

        try (ConfigurableApplicationContext second = start(stack)) {
            WebTestClient web = client(second);
            RunView recovered = get(web, id);
            assertThat(recovered.status()).hasToString("FAILED");
            assertThat(recovered.lastError()).isEqualTo("interrupted: the service stopped while the run was RUNNING");

            resume(web, id);
            RunView done = awaitRun(web, id, run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));
            assertThat(done.status()).hasToString("SUCCEEDED");
            assertThat(done.published()).isEqualTo(400);
        }
        assertThat(TopicContents.read(stack, TOPIC).keys()).containsAll(RandomUserIngestionIT.expectedKeys("killed", 400, 50, 0));
    }

    private static ConfigurableApplicationContext start(LocalStack stack) {
        // Command-line arguments win over application.yml, as the launcher's properties do in @SpringBootTest.
        return new SpringApplicationBuilder(IngestServiceApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                "--spring.kafka.properties.schema.registry.url=" + stack.schemaRegistryUrl(),
                "--spring.datasource.url=" + stack.postgresJdbcUrl("postgres"),
                "--spring.datasource.username=" + stack.postgresUsername(),
                "--spring.datasource.password=",
                "--spring.flyway.schemas=" + SCHEMA,
                "--spring.flyway.default-schema=" + SCHEMA,
                "--spring.datasource.hikari.schema=" + SCHEMA,
                "--ingest.publish.topic=" + TOPIC,
                "--ingest.randomuser.base-url=" + SERVER.url("/api/1.4/"),
                "--ingest.randomuser.min-backoff=10ms",
                "--ingest.randomuser.max-backoff=50ms");
    }

    private static WebTestClient client(ConfigurableApplicationContext context) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30)).build();
    }

    private static UUID startRun(WebTestClient web, String body) {
        return web.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody().id();
    }

    private static void resume(WebTestClient web, UUID id) {
        web.post().uri("/api/v1/ingestions/{id}/resume", id).exchange().expectStatus().isAccepted();
    }

    private static RunView get(WebTestClient web, UUID id) {
        return web.get().uri("/api/v1/ingestions/{id}", id).exchange()
                .expectStatus().isOk().expectBody(RunView.class).returnResult().getResponseBody();
    }

    private static RunView awaitRun(WebTestClient web, UUID id, Predicate<RunView> condition) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> get(web, id), condition::test);
    }

    private static Map<Integer, Integer> requestsPerPage(String seed, int pages) {
        Map<Integer, Integer> requests = new HashMap<>();
        for (int page = 1; page <= pages; page++) {
            requests.put(page, STUB.requests(seed, page));
        }
        return requests;
    }
}
