package io.userstream.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.console.PipelineFixtures.FixableUser;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.localstack.test.SharedLocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The console page in a real headless Chromium (Debian's package, driven by Playwright for Python:
 * {@code src/test/browser}), against the real pipeline. This class puts a poison record and a user refused until
 * its registration date has passed on users_created, waits until the console lists both and that date is past,
 * then runs the browser tests: they start a run and watch its funnel, find the poison under its reason, re-drive
 * the fixable dead letter from the page and see it resolved, walk the page by keyboard, and take a screenshot of
 * every view (target/screenshots). The browser logs in with HTTP Basic as the stack's operator, and in one test as
 * its reader, who sees the page but may not re-drive.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA, ServerKind.POSTGRES,
        ServerKind.INGEST, ServerKind.PROCESSOR, ServerKind.STORE})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
class ConsoleBrowserIT {

    private static final Duration PIPELINE = Duration.ofSeconds(120);
    private static final Duration BROWSER_TESTS = Duration.ofMinutes(15);

    @Autowired
    WebTestClient anonymous;
    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void servicesOfTheStack(DynamicPropertyRegistry registry) {
        ConsoleIT.servicesOfTheStack(registry);
    }

    @Test
    void thePageShowsTheRunsTheDeadLettersAndReDrivesInABrowser() throws Exception {
        LocalStack stack = SharedLocalStack.ensureStarted(ConsoleIT.STACK);
        WebTestClient console = ConsoleIT.as(anonymous, stack.apiLogins().operator());
        PipelineFixtures fixtures = new PipelineFixtures(stack);
        fixtures.startRun(200, "console-browser-seed");
        String poisonKey = "poison-" + UUID.randomUUID();
        fixtures.producePoison(poisonKey);
        FixableUser fixable = fixtures.produceFutureRegisteredUser(Duration.ofSeconds(30));
        PipelineFixtures.await("the console to list the poison record and the fixable user", PIPELINE,
                () -> listed(console, "undecodable", poisonKey) && listed(console, "future-date", fixable.userId()));
        PipelineFixtures.await("the fixable user's registration date to pass", Duration.ofSeconds(30),
                () -> Instant.now().isAfter(fixable.fixableAt()));

        Path module = Path.of("").toAbsolutePath();
        Path screenshots = module.resolve("target/screenshots");
        Files.createDirectories(screenshots);
        // Into a file, then printed: output written straight to this JVM's stdout would corrupt failsafe's channel.
        Path output = module.resolve("target/browser-tests.log");
        ProcessBuilder browserTests = new ProcessBuilder("bash", module.resolve("src/test/browser/run-tests.sh").toString())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        browserTests.environment().putAll(Map.of(
                "CONSOLE_URL", "http://127.0.0.1:" + port,
                "INGEST_URL", stack.ingestServiceUrl(),
                "STORE_URL", stack.userStoreServiceUrl(),
                "SCREENSHOT_DIR", screenshots.toString(),
                "POISON_REASON", "undecodable",
                "FIXABLE_DEAD_LETTER_REASON", "future-date"));
        // The logins in the environment, which only this user can read, not on the command line.
        browserTests.environment().putAll(Map.of(
                "OPERATOR_USERNAME", stack.apiLogins().operator().username(),
                "OPERATOR_PASSWORD", stack.apiLogins().operator().password(),
                "READER_USERNAME", stack.apiLogins().reader().username(),
                "READER_PASSWORD", stack.apiLogins().reader().password()));
        Process process = browserTests.start();
        boolean finished = process.waitFor(BROWSER_TESTS.toMinutes(), TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String printed = Files.readString(output);
        System.out.println(printed);
        assertThat(finished).as("browser tests finished within %s", BROWSER_TESTS).isTrue();
        assertThat(process.exitValue()).as("browser tests' exit code; their output:%n%s", printed).isZero();
        assertThat(printed).as("every browser test ran").contains("7 passed");

        // What the browser did, checked where it landed: the fixable user is stored, once.
        JsonNode delivery = console.get().uri(stack.userStoreServiceUrl() + "/api/v1/ingestions/" + fixable.runId() + "/delivery")
                .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(delivery.path("stored").asLong()).isEqualTo(1);
        assertThat(delivery.path("deadLettered").asLong()).isZero();
    }

    private static boolean listed(WebTestClient console, String reason, String key) {
        JsonNode deadLetters = console.get().uri("/api/v1/dead-letters?reason=" + reason + "&limit=1000").exchange()
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        return deadLetters.findValuesAsString("key").contains(key);
    }
}
