package io.userstream.localstack;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One running server process: started here or adopted from the PID file an earlier launcher
 * wrote. A PID file records the process's start time too, so a recycled PID is never mistaken for
 * ours and nothing is ever stopped by name.
 */
final class ServerProcess {

    private static final Duration POLL = Duration.ofMillis(250);
    private static final int TAIL_LINES = 40;

    private final LocalServer server;
    private final ProcessHandle handle;

    private ServerProcess(LocalServer server, ProcessHandle handle) {
        this.server = server;
        this.handle = handle;
    }

    /**
     * Starts the server with its output appended to its log file. A detached process gets its own
     * session, so it outlives the launcher and the terminal's Ctrl-C.
     */
    static ServerProcess start(LocalServer server, boolean detached) {
        List<String> command = new ArrayList<>();
        if (detached) {
            command.add("setsid");
        }
        command.addAll(server.command());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(server.home().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(server.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(server.environment());
        try {
            appendToLog(server, "---- " + Instant.now() + " starting: " + String.join(" ", command));
            ProcessHandle handle = builder.start().toHandle();
            ServerProcess process = new ServerProcess(server, handle);
            process.writePidFile();
            Files.deleteIfExists(stopMarker(server));
            return process;
        } catch (IOException e) {
            throw new ServerStartException(server.kind(), "could not run " + command.get(0), e);
        }
    }

    /**
     * True when the server's PID file is there but the process it names is gone and nobody asked it to stop:
     * it crashed or was killed from outside (kill -9, the OOM killer), so it should be running and is not.
     */
    static boolean crashed(LocalServer server) {
        return Files.exists(pidFile(server)) && !Files.exists(stopMarker(server)) && adopt(server).isEmpty();
    }

    /** The process a PID file names, if it is still alive and is the one that file was written for. */
    static Optional<ServerProcess> adopt(LocalServer server) {
        Path pidFile = pidFile(server);
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        try {
            String[] fields = Files.readString(pidFile).trim().split("\\s+");
            long pid = Long.parseLong(fields[0]);
            Instant started = fields.length > 1 ? Instant.parse(fields[1]) : null;
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> started == null || h.info().startInstant().map(started::equals).orElse(false))
                    .map(h -> new ServerProcess(server, h));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    long pid() {
        return handle.pid();
    }

    boolean isAlive() {
        return handle.isAlive();
    }

    LocalServer server() {
        return server;
    }

    /** Waits for a real protocol answer; fails with the log's tail if the process dies or the time runs out. */
    void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!handle.isAlive()) {
                throw new ServerStartException(server.kind(), "the process exited", server.logFile(), tail(server.logFile()));
            }
            // A protocol client is only worth creating once something listens (and stays quiet until then).
            if (Ports.isListening(server.clientPort()) && server.answers()) {
                return;
            }
            sleep(POLL);
        }
        stop(Duration.ofSeconds(10));
        throw new ServerStartException(server.kind(), "no answer within " + timeout.toSeconds() + " s", server.logFile(), tail(server.logFile()));
    }

    /**
     * For a process found running (adopted) rather than started here: waits until it answers (true) or
     * exits (false). One that is shutting down, e.g. after a SIGTERM from outside, no longer answers and
     * must not be counted as running.
     */
    boolean awaitAnswerOrExit(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (handle.isAlive()) {
            if (Ports.isListening(server.clientPort()) && server.answers()) {
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new ServerStartException(server.kind(), "pid " + handle.pid() + " is running but has not answered for "
                        + timeout.toSeconds() + " s; stop it (./pipeline down) or see its log", server.logFile(), tail(server.logFile()));
            }
            sleep(POLL);
        }
        return false;
    }

    /**
     * Graceful stop, then SIGKILL after the grace period; then any descendant the server left
     * behind (Airflow's components, PostgreSQL's backends) is killed too. Removes the PID file.
     */
    void stop(Duration grace) {
        // Marks the stop as wanted before the process can exit, so a supervisor never takes it for a crash.
        try {
            Files.writeString(stopMarker(server), handle.pid() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ProcessHandle> descendants = handle.descendants().toList();
        if (handle.isAlive()) {
            server.requestStop(handle);
            awaitExit(List.of(handle), grace);
        }
        // Children the server did not take down with it get SIGTERM, then SIGKILL after 10 s.
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
        awaitExit(descendants, Duration.ofSeconds(10));
        try {
            Files.deleteIfExists(pidFile(server));
            Files.deleteIfExists(stopMarker(server));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for the processes to exit; kills those still alive at the deadline. Never waits forever. */
    private static void awaitExit(List<ProcessHandle> processes, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception notYet) {
                process.destroyForcibly();
                try {
                    process.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception stillThere) {
                    System.err.println("[local-stack] pid " + process.pid() + " did not exit after SIGKILL");
                }
            }
        }
    }

    /** The last lines of a log file, for error messages. */
    static String tail(Path log) {
        if (!Files.exists(log)) {
            return "(no log at " + log + ")";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - 16_384);
            byte[] bytes = new byte[(int) (length - from)];
            file.seek(from);
            file.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    private void writePidFile() throws IOException {
        String started = handle.info().startInstant().map(Instant::toString).orElse("");
        Files.writeString(pidFile(server), handle.pid() + " " + started + "\n");
    }

    private static Path pidFile(LocalServer server) {
        return server.home().resolve(server.kind().displayName() + ".pid");
    }

    /** Present while a stop that was asked for is under way. */
    private static Path stopMarker(LocalServer server) {
        return server.home().resolve(server.kind().displayName() + ".stopping");
    }

    private static void appendToLog(LocalServer server, String line) throws IOException {
        Files.writeString(server.logFile(), line + System.lineSeparator(), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a server", e);
        }
    }
}
