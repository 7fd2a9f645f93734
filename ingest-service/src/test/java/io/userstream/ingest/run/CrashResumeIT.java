package io.userstream.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.userstream.ingest.IngestServiceApplication;
import io.userstream.ingest.TopicContents;
import io.userstream.ingest.api.RunView;
import io.userstream.ingest.fetch.RandomUserStub;
import io.userstream.localstack.ApiLogin;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.PostgresLogin;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The service stopped (or killed) in the middle of a run, then started again on the same database: the
 * run resumes by itself, fetches only the pages not recorded done, and the topic ends up with exactly
 * the requested users' keys. No resume is asked for.
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
    void aRunStoppedHalfWayResumesByItselfAtTheNextStartWithEveryUserAndNoneMissing(LocalStack stack) throws Exception {
        STUB.reset().delay(Duration.ofMillis(200)); // slow enough to stop the service half way
        UUID id;
        try (ConfigurableApplicationContext first = start(stack)) {
            id = startRun(client(first, stack.apiLogins().operator()), "{\"source\": \"randomuser\", \"count\": 1500, \"batchSize\": 50, \"seed\": \"crash\"}");
            awaitRun(client(first, stack.apiLogins().reader()), id, run -> run.pagesDone() >= 5);
        }
        STUB.reset();
        Map<Integer, Integer> requestsBeforeRestart = requestsPerPage("crash", 30);
        Set<Integer> doneBeforeRestart = pagesDone(stack, id);
        assertThat(doneBeforeRestart.size()).isBetween(5, 29);
        assertThat(status(stack, id)).as("left for the next start to resume").isEqualTo("PENDING");

        try (ConfigurableApplicationContext second = start(stack)) {
            RunView done = awaitRun(client(second, stack.apiLogins().reader()), id,
                    run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));

            assertThat(done.status()).hasToString("SUCCEEDED");
            assertThat(done.fetched()).isEqualTo(1500);
            assertThat(done.published()).isEqualTo(1500);
            assertThat(done.pagesDone()).isEqualTo(30);
        }
        // Only pages not recorded done were fetched again, each once.
        Map<Integer, Integer> requestsAfterRestart = requestsPerPage("crash", 30);
        for (int page = 1; page <= 30; page++) {
            assertThat(requestsAfterRestart.get(page) - requestsBeforeRestart.get(page)).as("requests of page %d", page)
                    .isEqualTo(doneBeforeRestart.contains(page) ? 0 : 1);
        }
        TopicContents topic = TopicContents.read(stack, TOPIC);
        assertThat(topic.keys()).isEqualTo(RandomUserIngestionIT.expectedKeys("crash", 1500, 50, 0));
        assertThat(topic.records().size()).isGreaterThanOrEqualTo(1500);
    }

    @Test
    void aRunLeftRunningByAKilledProcessResumesByItselfAtTheNextStart(LocalStack stack) throws Exception {
        STUB.reset().delay(Duration.ofMillis(200));
        UUID id;
        try (ConfigurableApplicationContext first = start(stack)) {
            id = startRun(client(first, stack.apiLogins().operator()), "{\"source\": \"randomuser\", \"count\": 400, \"batchSize\": 50, \"seed\": \"killed\"}");
            awaitRun(client(first, stack.apiLogins().reader()), id, run -> run.pagesDone() >= 2);
        }
        // A killed process records nothing on the way out: its run stays RUNNING in the ledger.
        try (Connection db = connect(stack);
             PreparedStatement update = db.prepareStatement("update " + SCHEMA
                     + ".ingestion_run set status = 'RUNNING', last_error = null, finished_at = null where id = ?")) {
            update.setObject(1, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        STUB.reset();
        Map<Integer, Integer> requestsBeforeRestart = requestsPerPage("killed", 8);
        Set<Integer> doneBeforeRestart = pagesDone(stack, id);

        try (ConfigurableApplicationContext second = start(stack)) {
            RunView done = awaitRun(client(second, stack.apiLogins().reader()), id,
                    run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));
            assertThat(done.status()).hasToString("SUCCEEDED");
            assertThat(done.lastError()).isNull();
            assertThat(done.published()).isEqualTo(400);
        }
        Map<Integer, Integer> requestsAfterRestart = requestsPerPage("killed", 8);
        for (int page : doneBeforeRestart) {
            assertThat(requestsAfterRestart.get(page)).as("requests of page %d, recorded done before", page)
                    .isEqualTo(requestsBeforeRestart.get(page));
        }
        assertThat(TopicContents.read(stack, TOPIC).keys()).containsAll(RandomUserIngestionIT.expectedKeys("killed", 400, 50, 0));
    }

    /** As the service itself connects: its own role, in its database. */
    private static Connection connect(LocalStack stack) throws SQLException {
        PostgresLogin ingest = stack.postgresLogins().ingest();
        return DriverManager.getConnection(stack.postgresJdbcUrl(stack.postgresIngestDatabase()), ingest.username(), ingest.password());
    }

    private static Set<Integer> pagesDone(LocalStack stack, UUID id) throws SQLException {
        Set<Integer> pages = new HashSet<>();
        try (Connection db = connect(stack);
             PreparedStatement select = db.prepareStatement("select page_number from " + SCHEMA + ".ingestion_page where run_id = ?")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    pages.add(rows.getInt(1));
                }
            }
        }
        return pages;
    }

    private static String status(LocalStack stack, UUID id) throws SQLException {
        try (Connection db = connect(stack);
             PreparedStatement select = db.prepareStatement("select status from " + SCHEMA + ".ingestion_run where id = ?")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private static ConfigurableApplicationContext start(LocalStack stack) {
        // Command-line arguments win over application.yml, as the launcher's properties do in @SpringBootTest.
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                "--spring.kafka.properties.schema.registry.url=" + stack.schemaRegistryUrl(),
                "--spring.datasource.url=" + stack.postgresJdbcUrl(stack.postgresIngestDatabase()),
                // In this JVM's arguments, not a process command line: ingest-service's own role, as the launcher gives it.
                "--spring.datasource.username=" + stack.postgresLogins().ingest().username(),
                "--spring.datasource.password=" + stack.postgresLogins().ingest().password(),
                "--spring.flyway.schemas=" + SCHEMA,
                "--spring.flyway.default-schema=" + SCHEMA,
                "--spring.datasource.hikari.schema=" + SCHEMA,
                "--userstream.topics.users-created=" + TOPIC,
                "--ingest.randomuser.base-url=" + SERVER.url("/api/1.4/"),
                "--ingest.randomuser.min-backoff=10ms",
                "--ingest.randomuser.max-backoff=50ms"));
        // The stack's API users (reader, operator), as @LocalServers gives them to a @SpringBootTest.
        stack.apiLogins().springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
        // ingest-service's own Kafka principal, as @LocalServers gives it to a @SpringBootTest of ingest-service.
        stack.kafkaLogins().service(ServerKind.INGEST).springProperties()
                .forEach((name, value) -> arguments.add("--" + name + "=" + value));
        return new SpringApplicationBuilder(IngestServiceApplication.class).run(arguments.toArray(String[]::new));
    }

    /** A client of the running service that calls it as {@code login}. */
    private static WebTestClient client(ConfigurableApplicationContext context, ApiLogin login) {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30))
                .defaultHeaders(headers -> headers.setBasicAuth(login.username(), login.password())).build();
    }

    private static UUID startRun(WebTestClient web, String body) {
        return web.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody().id();
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
