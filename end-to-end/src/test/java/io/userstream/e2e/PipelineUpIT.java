package io.userstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.Distributions;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.airflow.TaskInstance;
import io.userstream.localstack.airflow.UserAutomation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@code ./pipeline} script as a user runs it, on free ports and a state folder of its own:
 * every server, the three service jars and Airflow, a run of the user_automation DAG, the services'
 * health, a second ingestion and a clean stop.
 */
class PipelineUpIT {

    private static final int SERVER_COUNT = ServerKind.values().length;

    private final Path repositoryRoot = Distributions.locate().repositoryRoot();
    private final Ports ports = Ports.ephemeral();
    private final Path stateDir = newStateDirUnderTarget();

    @AfterEach
    void stopWhateverIsLeft() throws Exception {
        pipeline("down");
    }

    @Test
    void upRunsTheDagAndEveryServiceIsUpThenIngestRunsAgainAndDownStopsEverything() throws Exception {
        Result up = pipeline("up", "--count", "50", "--source", "faker");
        assertThat(up.exitCode()).as(up.output()).isZero();
        for (ServerKind kind : ServerKind.values()) {
            assertThat(up.output()).as(up.output()).contains(kind.displayName() + " ready on 127.0.0.1:" + ports.clientPort(kind));
        }
        assertThat(up.output()).contains("All servers and services up in", "check_services: success", "summarize: success",
                "stored=50", "published=50", "dead-lettered=", "one stored user: ", "): GET /api/v1/users/",
                "login admin / ", "/swagger-ui.html", "/actuator/health");
        Set<Long> pids = recordedPids();
        assertThat(pids).hasSize(SERVER_COUNT);
        Set<Long> children = new HashSet<>();
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> children.add(d.pid()))));

        // A service killed with kill -9 is started again by the supervisor up left running, with no command.
        LocalStack watched = LocalStack.detached(stateDir, ports, line -> { });
        long supervisor = Long.parseLong(Files.readString(stateDir.resolve("supervisor.pid")).trim().split("\\s+")[0]);
        assertThat(alive(supervisor)).as("supervisor pid " + supervisor).isTrue();
        long killed = watched.pid(ServerKind.PROCESSOR).orElseThrow();
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();
        long restartDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!(watched.crashed().isEmpty() && watched.pid(ServerKind.PROCESSOR).filter(pid -> pid != killed).isPresent()
                && watched.isHealthy(ServerKind.PROCESSOR))) {
            assertThat(System.nanoTime()).as("stream-processor started again within 3 min; supervisor log:%n%s",
                    pipeline("logs", "supervisor").output()).isLessThan(restartDeadline);
            Thread.sleep(500);
        }
        pids = recordedPids();
        children.clear();
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> children.add(d.pid()))));

        Result status = pipeline("status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("supervisor", "running (restarts crashed servers)");
        assertThat(status.output().lines().filter(line -> line.endsWith(" UP"))).hasSize(SERVER_COUNT);
        assertThat(status.output()).contains("ingest-service", "stream-processor", "user-store-service");

        Result ingest = pipeline("ingest", "--count", "20");
        assertThat(ingest.exitCode()).as(ingest.output()).isZero();
        assertThat(ingest.output()).contains("count=20 source=faker", "published=20", "stored=20");

        // The launcher's API, as other tests use it against the stack ./pipeline started.
        LocalStack stack = LocalStack.detached(stateDir, ports, line -> { });
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

        // A DAG run that fails names the failed task and its log, and the command exits 1.
        stack.stop(ServerKind.STORE);
        Result failed = pipeline("ingest", "--count", "5");
        assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
        assertThat(failed.output()).contains("DAG run ", ": failed", "FAILED task check_services", "user_store_api");

        Result down = pipeline("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(alive(supervisor)).as("supervisor pid " + supervisor).isFalse();
        assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("pid " + pid).isFalse());
        assertThat(children).as("children of the servers").isNotEmpty()
                .allSatisfy(pid -> assertThat(alive(pid)).as("child pid " + pid).isFalse());
        for (ServerKind kind : ServerKind.values()) {
            for (int port : ports.boundBy(kind)) {
                assertThat(Ports.isListening(port)).as(kind + " port " + port).isFalse();
            }
        }

        Result after = pipeline("status");
        assertThat(after.exitCode()).isEqualTo(1);
        assertThat(after.output().lines().filter(line -> line.endsWith("not running"))).hasSize(SERVER_COUNT);
    }

    @Test
    void ctrlCWhileStartingStopsWhatWasStarted() throws Exception {
        Process up = builder("up", "--no-run").start();
        Set<Long> seen = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            seen.addAll(recordedPids());
            Thread.sleep(50);
        }
        assertThat(seen).as("servers started before Ctrl-C").hasSizeGreaterThanOrEqualTo(2);

        new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor();
        assertThat(up.waitFor(90, TimeUnit.SECONDS)).isTrue();
        seen.addAll(recordedPids());

        assertThat(seen).allSatisfy(pid -> assertThat(alive(pid)).as("pid " + pid).isFalse());
        assertThat(recordedPids()).isEmpty();
    }

    private Set<Long> recordedPids() throws IOException {
        Set<Long> pids = new HashSet<>();
        if (!Files.exists(stateDir)) {
            return pids;
        }
        try (Stream<Path> files = Files.walk(stateDir, 2)) {
            // The servers' PID files, one folder down; the supervisor's (at the top) is not a server's.
            for (Path file : files.filter(f -> f.toString().endsWith(".pid") && !f.getParent().equals(stateDir)).toList()) {
                try {
                    pids.add(Long.parseLong(Files.readString(file).trim().split("\\s+")[0]));
                } catch (IOException | NumberFormatException e) {
                    // being written or removed right now; the next look sees it
                }
            }
        }
        return pids;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private ProcessBuilder builder(String... args) {
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of(repositoryRoot.resolve("pipeline").toString()), Stream.of(args)).toList())
                .directory(repositoryRoot.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = new HashMap<>(ports.asEnvironment());
        env.put("PIPELINE_STATE_DIR", stateDir.toString());
        // The DAG's retries of an unreachable service, 1 s apart instead of 10: the failing run above ends sooner.
        env.put("USER_AUTOMATION_HTTP_RETRY_DELAY_SECONDS", "1");
        builder.environment().putAll(env);
        return builder;
    }

    /** Runs the script, echoing its output as it comes (runs take minutes) and returning all of it. */
    private Result pipeline(String... args) throws Exception {
        Process process = builder(args).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                System.out.println("[pipeline " + args[0] + "] " + line);
                output.append(line).append('\n');
            }
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output.toString());
    }

    /**
     * A new folder below target/, not /tmp: as root, PostgreSQL runs as nobody, who cannot enter
     * JUnit's private temporary folders.
     */
    private static Path newStateDirUnderTarget() {
        try {
            Path target = Files.createDirectories(Path.of("target").toAbsolutePath());
            return Files.createTempDirectory(target, "pipeline-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Result(int exitCode, String output) {
    }
}
