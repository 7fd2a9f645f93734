package io.userstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.Distributions;
import io.userstream.localstack.Ports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The real {@code ./pipeline} script as a user runs it, on free ports and a state folder of its own below target/. */
final class PipelineScript {

    record Result(int exitCode, String output) {
    }

    private final Path repositoryRoot = Distributions.locate().repositoryRoot();
    final Ports ports = Ports.ephemeral();
    final Path stateDir = newStateDirUnderTarget();

    /** Runs the script, echoing its output as it comes (runs take minutes) and returning all of it. */
    Result run(String... args) throws Exception {
        Process process = start(args);
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

    Process start(String... args) throws IOException {
        // SIGINT as a terminal gives it (Ctrl-C): a suite started in the background without job control (`mvnw verify &`)
        // hands its children SIGINT ignored, and a JVM that starts with it ignored never runs its shutdown hooks on it.
        ProcessBuilder builder = new ProcessBuilder(Stream.concat(Stream.of("env", "--default-signal=INT",
                        repositoryRoot.resolve("pipeline").toString()), Stream.of(args)).toList())
                .directory(repositoryRoot.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = new HashMap<>(ports.asEnvironment());
        env.put("PIPELINE_STATE_DIR", stateDir.toString());
        // The DAG's retries of an unreachable service, 1 s apart instead of 10: a run that must fail ends sooner.
        env.put("USER_AUTOMATION_HTTP_RETRY_DELAY_SECONDS", "1");
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The servers' PIDs from their PID files, one folder down; the supervisor's (at the top) is not a server's. */
    Set<Long> recordedPids() throws IOException {
        Set<Long> pids = new HashSet<>();
        if (!Files.exists(stateDir)) {
            return pids;
        }
        // A server's folder, then its PID file, by name: walking the state folder would also stat the password files
        // the launcher is replacing at that moment (written aside, then moved), and fail on one that just vanished.
        try (Stream<Path> entries = Files.list(stateDir)) {
            for (Path folder : entries.toList()) {
                Path file = folder.resolve(folder.getFileName() + ".pid");
                try {
                    pids.add(Long.parseLong(Files.readString(file).trim().split("\\s+")[0]));
                } catch (IOException | NumberFormatException e) {
                    // not a server's folder, or its PID file is being written or removed right now; the next look sees it
                }
            }
        }
        return pids;
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
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
}
