package io.userstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userstream.e2e.drill.Drill;
import io.userstream.e2e.drill.DrillResult;
import io.userstream.e2e.drill.DrillStack;
import io.userstream.e2e.drill.Fault;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.airflow.TaskInstance;
import io.userstream.localstack.airflow.UserAutomation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real {@code ./pipeline} script as a user runs it, on free ports and a state folder of its own: {@code up}
 * starts every server, the three service jars and Airflow and runs the user_automation DAG; then, on that same
 * stack, the representative subset of the fault drills ({@code bench/drills.sh} runs them all, repeated); then
 * {@code status}, {@code ingest}, a failing run, and {@code down}, which must stop everything.
 *
 * <p>The drills: kill -9 of PostgreSQL (Airflow goes down with its database and is started again; the
 * ingestion ledger rides it out), of the processor (exactly-once output and window counts), and a 70 s Kafka
 * outage that every stage must wait out and reconnect after. Each must end with every published user stored
 * exactly once or dead-lettered, nothing else stored, exact stats, and the DAG run and the ingestion run
 * SUCCEEDED, with no step by a person: what was killed is started again by the supervisor {@code up} left running.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineUpIT {

    private static final int SERVER_COUNT = ServerKind.values().length;
    /** Enough for a fault to land mid-run on two cores, small enough to keep the suite under its budget. */
    private static final int DRILL_USERS = 20_000;

    private final PipelineScript pipeline = new PipelineScript();
    private final Ports ports = pipeline.ports;
    private PipelineScript.Result up;
    private DrillStack drills;

    @BeforeAll
    void up() throws Exception {
        up = pipeline.run("up", "--count", "50", "--source", "faker");
    }

    @AfterAll
    void stopWhateverIsLeft() throws Exception {
        if (drills != null) {
            drills.close();
        }
        pipeline.run("down");
    }

    @Test
    @Order(1)
    void upStartsEveryServerAndRunsTheDag() throws Exception {
        assertThat(up.exitCode()).as(up.output()).isZero();
        for (ServerKind kind : ServerKind.values()) {
            assertThat(up.output()).as(up.output()).contains(kind.displayName() + " ready on 127.0.0.1:" + ports.clientPort(kind));
        }
        assertThat(up.output()).contains("All servers and services up in", "check_services: success", "summarize: success",
                "stored=50", "published=50", "dead-lettered=", "one stored user: ", "): GET /api/v1/users/",
                "login admin / ", "/swagger-ui.html", "/actuator/health",
                "API and console logins (HTTP Basic): reader / ", "operator / ",
                "Console: http://127.0.0.1:" + ports.console());
        assertThat(pipeline.recordedPids()).hasSize(SERVER_COUNT);
        long supervisor = Long.parseLong(Files.readString(pipeline.stateDir.resolve("supervisor.pid")).trim().split("\\s+")[0]);
        assertThat(PipelineScript.alive(supervisor)).as("supervisor pid " + supervisor).isTrue();
    }

    static Stream<Fault> faults() {
        return Stream.of(
                new Fault.Kill(ServerKind.POSTGRES),
                new Fault.Kill(ServerKind.PROCESSOR),
                // Longer than a producer's default max.block.ms (60 s): a send timing out inside a transaction lost users.
                new Fault.Outage(ServerKind.KAFKA, Duration.ofSeconds(70)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    @Order(2)
    void aFaultLosesNothingDuplicatesNothingKeepsStatsExactAndNeedsNoHands(Fault fault) throws Exception {
        if (drills == null) {
            drills = DrillStack.on(LocalStack.detached(pipeline.stateDir, ports, line -> System.out.println("[drill] [stack] " + line)));
        }
        long seed = Long.getLong("drill.seed", System.nanoTime());
        System.out.println("[drill] random seed " + seed + " (-Ddrill.seed to repeat)");

        DrillResult result = new Drill(drills, line -> System.out.println("[drill] " + line), new Random(seed)).run(fault, DRILL_USERS);

        assertThat(result.passed()).as(result.summary()).isTrue();
        assertThat(result.note()).as(result.summary()).doesNotContain("before the fault");
        if (fault instanceof Fault.Kill kill) {
            assertThat(pipeline.run("logs", "supervisor").output()).as("the supervisor up left running restarted what was killed")
                    .contains(kill.server().displayName() + " is gone without a stop being asked for");
        }
    }

    @Test
    @Order(3)
    void statusAndIngestWorkOnTheStackAndALauncherClientToo() throws Exception {
        PipelineScript.Result status = pipeline.run("status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("supervisor", "running (restarts crashed servers)");
        assertThat(status.output().lines().filter(line -> line.endsWith(" UP"))).hasSize(SERVER_COUNT);
        assertThat(status.output()).contains("ingest-service", "stream-processor", "user-store-service");

        PipelineScript.Result ingest = pipeline.run("ingest", "--count", "20");
        assertThat(ingest.exitCode()).as(ingest.output()).isZero();
        assertThat(ingest.output()).contains("count=20 source=faker", "published=20", "stored=20");

        // The launcher's API, as other tests use it against the stack ./pipeline started.
        LocalStack stack = LocalStack.detached(pipeline.stateDir, ports, line -> { });
        List<TaskInstance> seen = new ArrayList<>();
        UserAutomation.Result result = new UserAutomation(stack)
                .run(UserAutomation.Request.of(5, "faker"), Duration.ofMinutes(10), seen::add);
        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(result.published()).hasValue(5);
        assertThat(result.stored()).hasValue(5);
        assertThat(result.ingestionRunId()).isPresent();
        assertThat(result.tasks()).extracting(TaskInstance::state).containsOnly("success");
        assertThat(seen).extracting(TaskInstance::taskId).contains("check_services", "start_ingestion", "wait_for_ingestion",
                "verify_delivery", "summarize");

        // The console ./pipeline up started follows the run Airflow triggered, to stored users, and sees every server.
        String runId = result.ingestionRunId().orElseThrow().toString();
        // The console samples every second: wait for a sample taken after the DAG saw the users stored.
        JsonNode run = Awaitility.await("run " + runId + " complete in the console's funnel").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> consoleRun(stack, runId),
                        candidate -> candidate != null && candidate.path("complete").asBoolean() && candidate.path("processed").asLong() >= 5);
        assertThat(run).as("run %s in the console's funnel", runId).isNotNull();
        assertThat(run.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.path("published").asLong()).isEqualTo(5);
        assertThat(run.path("stored").asLong()).isEqualTo(5);
        assertThat(run.path("processed").asLong()).isEqualTo(5);
        assertThat(run.path("complete").asBoolean()).isTrue();
        JsonNode servers = consoleGet(stack, stack.consoleUrl() + "/api/v1/servers");
        assertThat(servers.findValuesAsText("status")).as(servers.toString()).hasSize(7).allMatch(s -> s.equals("UP") || s.equals("SLOW"));
    }

    private static JsonNode consoleRun(LocalStack stack, String runId) throws Exception {
        for (JsonNode candidate : consoleGet(stack, stack.consoleUrl() + "/api/v1/runs").path("runs")) {
            if (runId.equals(candidate.path("runId").asText())) {
                return candidate;
            }
        }
        return null;
    }

    /** As the reader ./pipeline up printed: the console asks for a login as the services do. */
    private static JsonNode consoleGet(LocalStack stack, String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", stack.apiLogins().reader().basicAuthorization()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    @Order(4)
    void aFailedRunNamesItsTaskAndLogAndExitsOne() throws Exception {
        LocalStack.detached(pipeline.stateDir, ports, line -> { }).stop(ServerKind.STORE);
        PipelineScript.Result failed = pipeline.run("ingest", "--count", "5");
        assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
        assertThat(failed.output()).contains("DAG run ", ": failed", "FAILED task check_services", "user_store_api");
    }

    @Test
    @Order(5)
    void downStopsEveryServerTheirChildrenAndTheSupervisor() throws Exception {
        Set<Long> pids = pipeline.recordedPids();
        Set<Long> children = new HashSet<>();
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> children.add(d.pid()))));
        long supervisor = Long.parseLong(Files.readString(pipeline.stateDir.resolve("supervisor.pid")).trim().split("\\s+")[0]);

        PipelineScript.Result down = pipeline.run("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(PipelineScript.alive(supervisor)).as("supervisor pid " + supervisor).isFalse();
        assertThat(pids).allSatisfy(pid -> assertThat(PipelineScript.alive(pid)).as("pid " + pid).isFalse());
        assertThat(children).as("children of the servers").isNotEmpty()
                .allSatisfy(pid -> assertThat(PipelineScript.alive(pid)).as("child pid " + pid).isFalse());
        for (ServerKind kind : ServerKind.values()) {
            for (int port : ports.boundBy(kind)) {
                assertThat(Ports.isListening(port)).as(kind + " port " + port).isFalse();
            }
        }

        PipelineScript.Result after = pipeline.run("status");
        assertThat(after.exitCode()).isEqualTo(1);
        assertThat(after.output().lines().filter(line -> line.endsWith("not running"))).hasSize(SERVER_COUNT);
    }
}
