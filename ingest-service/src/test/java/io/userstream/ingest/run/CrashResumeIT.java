package io.userstream.ingest.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.ingest.TopicContents;
import io.userstream.ingest.api.RunView;
import io.userstream.ingest.fetch.RandomUserStub;
import io.userstream.localstack.ApiLogin;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

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
        LedgerTables ledger = new LedgerTables(stack, SCHEMA);
        UUID id;
        try (ConfigurableApplicationContext first = start(stack)) {
            id = api(first, stack.apiLogins().operator()).start("{\"source\": \"randomuser\", \"count\": 1500, \"batchSize\": 50, \"seed\": \"crash\"}");
            api(first, stack.apiLogins().reader()).await(id, run -> run.pagesDone() >= 5);
        }
        STUB.reset();
        Map<Integer, Integer> requestsBeforeRestart = requestsPerPage("crash", 30);
        Set<Integer> doneBeforeRestart = ledger.pagesDone(id);
        assertThat(doneBeforeRestart.size()).isBetween(5, 29);
        assertThat(ledger.status(id)).as("left for the next start to resume").isEqualTo("PENDING");

        try (ConfigurableApplicationContext second = start(stack)) {
            RunView done = api(second, stack.apiLogins().reader()).awaitFinished(id);

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
        LedgerTables ledger = new LedgerTables(stack, SCHEMA);
        UUID id;
        try (ConfigurableApplicationContext first = start(stack)) {
            id = api(first, stack.apiLogins().operator()).start("{\"source\": \"randomuser\", \"count\": 400, \"batchSize\": 50, \"seed\": \"killed\"}");
            api(first, stack.apiLogins().reader()).await(id, run -> run.pagesDone() >= 2);
        }
        // A killed process records nothing on the way out: its run stays RUNNING in the ledger.
        ledger.leaveRunning(id);
        STUB.reset();
        Map<Integer, Integer> requestsBeforeRestart = requestsPerPage("killed", 8);
        Set<Integer> doneBeforeRestart = ledger.pagesDone(id);

        try (ConfigurableApplicationContext second = start(stack)) {
            RunView done = api(second, stack.apiLogins().reader()).awaitFinished(id);
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

    private static ConfigurableApplicationContext start(LocalStack stack) {
        List<String> settings = IngestInstances.settings(stack, SCHEMA, TOPIC, SERVER.url("/api/1.4/").toString());
        settings.addAll(List.of("ingest.randomuser.min-backoff=10ms", "ingest.randomuser.max-backoff=50ms"));
        return IngestInstances.startInThisJvm(stack, settings);
    }

    private static RunsApi api(ConfigurableApplicationContext instance, ApiLogin login) {
        return new RunsApi(IngestInstances.port(instance), login);
    }

    private static Map<Integer, Integer> requestsPerPage(String seed, int pages) {
        Map<Integer, Integer> requests = new HashMap<>();
        for (int page = 1; page <= pages; page++) {
            requests.put(page, STUB.requests(seed, page));
        }
        return requests;
    }
}
