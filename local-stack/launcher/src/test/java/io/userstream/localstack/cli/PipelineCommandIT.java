package io.userstream.localstack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.Distributions;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.StateDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The real {@code ./pipeline} script, on free ports and a state folder of its own. */
class PipelineCommandIT {

    private final Path repositoryRoot = Distributions.locate().repositoryRoot();
    private final Ports ports = Ports.ephemeral();

    // Below target/, not /tmp: as root, PostgreSQL runs as nobody, who cannot enter JUnit's private temp folders.
    private final Path stateDir = StateDirs.newUnderTarget();

    @Test
    void upStatusDownLeavesNoProcessNoChildAndNoListeningPort() throws Exception {
        Result up = pipeline("up");
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(up.output()).contains("All servers up", "kafka ready", "schema-registry ready", "cassandra ready",
                "postgres ready", "airflow ready", "Airflow UI", "login admin / ");
        Set<Long> pids = recordedPids();
        assertThat(pids).hasSize(5);
        Set<Long> children = new HashSet<>();
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> children.add(d.pid()))));

        Result status = pipeline("status");
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output().lines().filter(line -> line.endsWith("healthy"))).hasSize(5);

        Result down = pipeline("down");
        assertThat(down.exitCode()).as(down.output()).isZero();
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
        assertThat(after.output()).contains("stopped");
    }

    @Test
    void ctrlCWhileStartingStopsWhatWasStarted() throws Exception {
        Process up = builder("up").start();
        Set<Long> seen = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            seen.addAll(recordedPids());
            Thread.sleep(50);
        }
        assertThat(seen).as("servers started before Ctrl-C").hasSizeGreaterThanOrEqualTo(2);

        new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor();
        assertThat(up.waitFor(60, TimeUnit.SECONDS)).isTrue();
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
            for (Path file : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
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
        builder.environment().putAll(env);
        return builder;
    }

    private Result pipeline(String... args) throws Exception {
        Process process = builder(args).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
