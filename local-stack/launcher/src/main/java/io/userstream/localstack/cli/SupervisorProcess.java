package io.userstream.localstack.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The background process ({@code pipeline supervise}) that restarts crashed servers of a detached stack.
 * Its PID file records the start time too, so a recycled PID is never taken for it.
 */
final class SupervisorProcess {

    private final Path stateDir;

    SupervisorProcess(Path stateDir) {
        this.stateDir = stateDir;
    }

    Optional<ProcessHandle> running() {
        Path pidFile = pidFile();
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            String[] fields = Files.readString(pidFile).trim().split("\\s+");
            Instant started = Instant.parse(fields[1]);
            return ProcessHandle.of(Long.parseLong(fields[0]))
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().startInstant().map(started::equals).orElse(false));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Starts the supervisor in a session of its own (it outlives this command) unless one runs already. */
    ProcessHandle ensureRunning() throws IOException {
        Optional<ProcessHandle> running = running();
        if (running.isPresent()) {
            return running.get();
        }
        ProcessHandle self = ProcessHandle.current();
        List<String> command = new ArrayList<>(List.of("setsid", self.info().command().orElse("java"),
                "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        String home = System.getProperty("userstream.home");
        if (home != null) {
            command.add("-Duserstream.home=" + home);
        }
        command.addAll(List.of(PipelineCommand.class.getName(), "supervise"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("PIPELINE_STATE_DIR", stateDir.toString());
        ProcessHandle handle = builder.start().toHandle();
        Files.writeString(pidFile(), handle.pid() + " " + handle.info().startInstant().map(Instant::toString).orElseThrow() + "\n");
        return handle;
    }

    /** Stops the supervisor first, so that stopping the servers is not taken for crashes. */
    void stop() throws IOException {
        Optional<ProcessHandle> running = running();
        if (running.isPresent()) {
            running.get().destroy();
            try {
                running.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception notYet) {
                running.get().destroyForcibly();
            }
        }
        Files.deleteIfExists(pidFile());
    }

    Path logFile() {
        return stateDir.resolve("supervisor.log");
    }

    private Path pidFile() {
        return stateDir.resolve("supervisor.pid");
    }
}
