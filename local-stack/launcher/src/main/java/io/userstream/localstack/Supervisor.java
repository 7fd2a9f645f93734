package io.userstream.localstack;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.TreeSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Restarts the servers of a stack that crashed, as Docker Compose's {@code restart: unless-stopped} does:
 * a server whose process is gone without a stop being asked for ({@link LocalStack#crashed()}) is started
 * again, together with any crashed server it needs, after a back-off that doubles with each restart that
 * follows soon after the previous one (1 s up to {@link #MAX_BACKOFF}). A server stopped on purpose
 * ({@code ./pipeline down}, {@code ./pipeline stop <name>}, {@link LocalStack#stop}) stays stopped.
 *
 * <p>{@code ./pipeline up} runs one in a background process ({@code pipeline supervise}); tests that kill
 * servers run one on a thread of their own ({@link #watch}).
 */
public final class Supervisor implements AutoCloseable {

    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /** A server that stayed up this long starts again from the shortest back-off. */
    static final Duration STABLE = Duration.ofMinutes(5);

    private final LocalStack stack;
    private final Consumer<String> log;
    private final Clock clock;
    private final Map<ServerId, Restarts> restarts = new HashMap<>();
    private volatile Thread thread;

    private record Restarts(int count, Instant last, Instant notBefore) {
    }

    public Supervisor(LocalStack stack, Consumer<String> log) {
        this(stack, log, Clock.systemUTC());
    }

    Supervisor(LocalStack stack, Consumer<String> log, Clock clock) {
        this.stack = stack;
        this.log = log;
        this.clock = clock;
    }

    /** A supervisor checking {@code stack} every second on a daemon thread until closed. */
    public static Supervisor watch(LocalStack stack, Consumer<String> log) {
        Supervisor supervisor = new Supervisor(stack, log);
        Thread thread = new Thread(supervisor::runUntilInterrupted, "local-stack-supervisor");
        thread.setDaemon(true);
        supervisor.thread = thread;
        thread.start();
        return supervisor;
    }

    /** Checks every second until the thread is interrupted: the body of {@code pipeline supervise}. */
    public void runUntilInterrupted() {
        log.accept("supervising the servers in " + stack.stateDir() + " (checks every " + POLL.toSeconds() + " s)");
        while (!Thread.currentThread().isInterrupted()) {
            try {
                restartCrashed();
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.accept("supervisor check failed: " + e.getMessage());
            }
        }
    }

    /**
     * One check: starts again every crashed server whose back-off has passed, with the crashed servers it
     * needs. A server that needs one stopped on purpose waits for it. Returns the servers started.
     */
    public Set<ServerId> restartCrashed() {
        Set<ServerId> crashed = stack.crashed();
        Instant now = clock.instant();
        Set<ServerId> due = new TreeSet<>();
        for (ServerId id : crashed) {
            Restarts previous = restarts.get(id);
            if (previous == null || !now.isBefore(previous.notBefore())) {
                due.add(id);
            }
        }
        // A server can only start with what it needs: running already, or starting with it.
        due.removeIf(id -> stack.requirementsOf(id).stream()
                .anyMatch(requirement -> !stack.isRunning(requirement) && !crashed.contains(requirement)));
        // ... and a requirement that is not due yet holds back its dependents.
        due.removeIf(id -> stack.requirementsOf(id).stream().anyMatch(r -> crashed.contains(r) && !wouldStart(r, crashed, now)));
        if (due.isEmpty()) {
            return due;
        }
        for (ServerId id : due) {
            Restarts previous = restarts.get(id);
            int count = previous == null || Duration.between(previous.last(), now).compareTo(STABLE) > 0 ? 1 : previous.count() + 1;
            Duration backoff = backoff(count);
            restarts.put(id, new Restarts(count, now, now.plus(backoff)));
            log.accept("%s is gone without a stop being asked for; starting it again (restart %d%s)".formatted(
                    id, count, count > 1 ? ", next back-off " + backoff.toSeconds() + " s" : ""));
        }
        try {
            stack.startServers(due);
        } catch (RuntimeException e) {
            log.accept("restarting " + due + " failed, trying again after the back-off: " + e.getMessage());
        }
        return due;
    }

    private boolean wouldStart(ServerId id, Set<ServerId> crashed, Instant now) {
        Restarts previous = restarts.get(id);
        return crashed.contains(id) && (previous == null || !now.isBefore(previous.notBefore()));
    }

    static Duration backoff(int restart) {
        long seconds = 1L << Math.min(restart - 1, 6);
        return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
    }

    @Override
    public void close() {
        Thread running = thread;
        if (running != null) {
            running.interrupt();
            try {
                running.join(Duration.ofMinutes(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
