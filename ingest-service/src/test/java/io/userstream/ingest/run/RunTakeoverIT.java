package io.userstream.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.userstream.ingest.TopicContents;
import io.userstream.ingest.api.RunView;
import io.userstream.ingest.fetch.RandomUserStub;
import io.userstream.localstack.LocalStack;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

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
        LedgerTables ledger = new LedgerTables(stack, SCHEMA);
        try (ConfigurableApplicationContext b = IngestInstances.startInThisJvm(stack, settings(stack, "instance-b"))) {
            RunsApi bReader = new RunsApi(IngestInstances.port(b), stack.apiLogins().reader());
            int aPort = freePort();
            Process a = startProcess(stack, "instance-a", aPort);
            UUID id;
            try {
                awaitHealthy(aPort, a);
                id = new RunsApi(aPort, stack.apiLogins().operator())
                        .start("{\"source\": \"randomuser\", \"count\": 1500, \"batchSize\": 50, \"seed\": \"takeover\"}");
                bReader.await(id, run -> run.pagesDone() >= 5);
                assertThat(ledger.owner(id)).isEqualTo("instance-a");
            } finally {
                a.destroyForcibly().waitFor(); // SIGKILL: A records nothing on the way out
            }
            Set<Integer> doneBeforeKill = ledger.pagesDone(id);
            assertThat(doneBeforeKill.size()).as("pages A recorded before it was killed").isBetween(5, 29);
            assertThat(ledger.status(id)).as("left RUNNING by the killed instance").isEqualTo("RUNNING");
            STUB.reset(); // fast again; the request counts stay

            RunView done = bReader.awaitFinished(id);

            assertThat(done.status()).hasToString("SUCCEEDED");
            assertThat(done.fetched()).isEqualTo(1500);
            assertThat(done.published()).isEqualTo(1500);
            assertThat(ledger.owner(id)).as("finished by").isEqualTo("instance-b");
            for (int page : doneBeforeKill) {
                assertThat(STUB.requests("takeover", page)).as("requests of page %d, recorded done by A", page).isEqualTo(1);
            }
        }
        assertThat(TopicContents.read(stack, TOPIC).keys()).isEqualTo(RandomUserIngestionIT.expectedKeys("takeover", 1500, 50, 0));
    }

    /** This instance's settings: the test's schema and topic, its own name in the ledger, a short lease. No secrets. */
    private static List<String> settings(LocalStack stack, String instance) {
        List<String> settings = IngestInstances.settings(stack, SCHEMA, TOPIC, SERVER.url("/api/1.4/").toString());
        settings.addAll(List.of("ingest.ledger.instance-id=" + instance, "ingest.ledger.run-lease=" + LEASE));
        return settings;
    }

    /** The packaged service as a process of its own (so it can be killed), its logins in its environment. */
    private static Process startProcess(LocalStack stack, String instance, int port) throws IOException {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            jar = files.filter(file -> file.getFileName().toString().matches("ingest-service-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no packaged ingest-service jar in target/")).toAbsolutePath();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "--server.port=" + port));
        settings(stack, instance).forEach(setting -> command.add("--" + setting));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "run-takeover-" + instance + ".log").toFile());
        IngestInstances.secrets(stack).forEach((name, value) ->
                builder.environment().put(name.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", ""), value));
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
}
