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
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
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
 * Two instances of ingest-service sharing one ledger: instance A, a process of its own, is killed (SIGKILL) in the
 * middle of a run; instance B, which never saw the request, takes the run over once A's lease runs out and finishes
 * it with every user, without anyone asking. While A lived, B left the run alone: no page A recorded was fetched twice.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
class RunTakeoverIT {

    private static final String TOPIC = "users_created_takeover_it";
    private static final String SCHEMA = "ingest_takeover_it";
    private static final String LEASE = "10s";
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
    void aRunOfAKilledInstanceIsFinishedByTheOtherWithEveryUser(LocalStack stack) throws Exception {
        STUB.reset().delay(Duration.ofMillis(200)); // 30 pages: long enough to kill A half way
        try (ConfigurableApplicationContext b = startInThisJvm(stack, "instance-b")) {
            WebTestClient bReader = client(port(b), stack.apiLogins().reader());
            int aPort = freePort();
            Process a = startProcess(stack, "instance-a", aPort);
            UUID id;
            Set<Integer> doneBeforeKill;
            try {
                awaitHealthy(aPort, a);
                id = startRun(client(aPort, stack.apiLogins().operator()),
                        "{\"source\": \"randomuser\", \"count\": 1500, \"batchSize\": 50, \"seed\": \"takeover\"}");
                awaitRun(bReader, id, run -> run.pagesDone() >= 5);
                assertThat(owner(stack, id)).isEqualTo("instance-a");
            } finally {
                a.destroyForcibly().waitFor(); // SIGKILL: A records nothing on the way out
            }
            doneBeforeKill = pagesDone(stack, id);
            assertThat(doneBeforeKill.size()).as("pages A recorded before it was killed").isBetween(5, 29);
            assertThat(status(stack, id)).as("left RUNNING by the killed instance").isEqualTo("RUNNING");
            STUB.reset(); // fast again; the request counts stay

            RunView done = awaitRun(bReader, id, run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));

            assertThat(done.status()).hasToString("SUCCEEDED");
            assertThat(done.fetched()).isEqualTo(1500);
            assertThat(done.published()).isEqualTo(1500);
            assertThat(owner(stack, id)).as("finished by").isEqualTo("instance-b");
            for (int page : doneBeforeKill) {
                assertThat(STUB.requests("takeover", page)).as("requests of page %d, recorded done by A", page).isEqualTo(1);
            }
        }
        assertThat(TopicContents.read(stack, TOPIC).keys()).isEqualTo(RandomUserIngestionIT.expectedKeys("takeover", 1500, 50, 0));
    }

    /** The service's settings for this test: this stack, its own schema and topic, a short lease. No secrets. */
    private static List<String> settings(LocalStack stack, String instance, int port) {
        List<String> settings = new ArrayList<>(List.of(
                "server.port=" + port,
                "spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                "spring.kafka.properties.schema.registry.url=" + stack.schemaRegistryUrl(),
                "spring.datasource.url=" + stack.postgresJdbcUrl(stack.postgresIngestDatabase()),
                "spring.flyway.schemas=" + SCHEMA,
                "spring.flyway.default-schema=" + SCHEMA,
                "spring.datasource.hikari.schema=" + SCHEMA,
                "userstream.topics.users-created=" + TOPIC,
                "ingest.randomuser.base-url=" + SERVER.url("/api/1.4/"),
                "ingest.ledger.instance-id=" + instance,
                "ingest.ledger.run-lease=" + LEASE));
        return settings;
    }

    /** The logins: API users, ingest's PostgreSQL role and Kafka principal, as @LocalServers gives them to a test. */
    private static Map<String, String> secrets(LocalStack stack) {
        Map<String, String> secrets = new java.util.LinkedHashMap<>();
        secrets.put("spring.datasource.username", stack.postgresLogins().ingest().username());
        secrets.put("spring.datasource.password", stack.postgresLogins().ingest().password());
        secrets.putAll(stack.apiLogins().springProperties());
        secrets.putAll(stack.kafkaLogins().service(ServerKind.INGEST).springProperties());
        return secrets;
    }

    private static ConfigurableApplicationContext startInThisJvm(LocalStack stack, String instance) {
        List<String> arguments = new ArrayList<>();
        settings(stack, instance, 0).forEach(setting -> arguments.add("--" + setting));
        secrets(stack).forEach((name, value) -> arguments.add("--" + name + "=" + value));
        return new SpringApplicationBuilder(IngestServiceApplication.class).run(arguments.toArray(String[]::new));
    }

    /** The packaged service as a process of its own (so it can be killed), its logins in its environment. */
    private static Process startProcess(LocalStack stack, String instance, int port) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(file -> file.getFileName().toString().matches("ingest-service-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no packaged ingest-service jar in target/")).toAbsolutePath();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString()));
        settings(stack, instance, port).forEach(setting -> command.add("--" + setting));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "run-takeover-" + instance + ".log").toFile());
        secrets(stack).forEach((name, value) ->
                builder.environment().put(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace("-", ""), value));
        return builder.start();
    }

    private static void awaitHealthy(int port, Process process) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(process.isAlive()).as("instance-a running (log: target/run-takeover-instance-a.log)").isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static WebTestClient client(int port, ApiLogin login) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30))
                .defaultHeaders(headers -> headers.setBasicAuth(login.username(), login.password())).build();
    }

    private static UUID startRun(WebTestClient web, String body) {
        return web.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody().id();
    }

    private static RunView awaitRun(WebTestClient web, UUID id, Predicate<RunView> condition) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> web.get()
                .uri("/api/v1/ingestions/{id}", id).exchange().expectStatus().isOk().expectBody(RunView.class)
                .returnResult().getResponseBody(), condition::test);
    }

    private static Connection connect(LocalStack stack) throws SQLException {
        PostgresLogin ingest = stack.postgresLogins().ingest();
        return DriverManager.getConnection(stack.postgresJdbcUrl(stack.postgresIngestDatabase()), ingest.username(), ingest.password());
    }

    private static String column(LocalStack stack, UUID id, String column) throws SQLException {
        try (Connection db = connect(stack);
             PreparedStatement select = db.prepareStatement("select " + column + " from " + SCHEMA + ".ingestion_run where id = ?")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private static String owner(LocalStack stack, UUID id) throws SQLException {
        return column(stack, id, "owner");
    }

    private static String status(LocalStack stack, UUID id) throws SQLException {
        return column(stack, id, "status");
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
}
