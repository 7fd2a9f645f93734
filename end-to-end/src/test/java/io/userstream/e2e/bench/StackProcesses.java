package io.userstream.e2e.bench;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Memory and CPU of every process of a running stack, read from /proc: each server's or service's
 * process plus all its descendants (Airflow's script forks an api-server, scheduler, dag-processor and
 * their workers; Cassandra and Kafka are single JVMs).
 */
final class StackProcesses {

    /** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks, 100 on every common kernel build. */
    private static final double TICKS_PER_SECOND = 100.0;

    private static final double QUIET_CORES = 0.25;
    private static final Duration QUIET_WINDOW = Duration.ofSeconds(3);
    private static final Duration QUIET_TIMEOUT = Duration.ofMinutes(5);

    private final LocalStack stack;

    StackProcesses(LocalStack stack) {
        this.stack = stack;
    }

    /** Resident memory in bytes (VmRSS) per server, each summed over the server's process tree. */
    Map<ServerKind, Long> residentBytes() {
        Map<ServerKind, Long> rss = new EnumMap<>(ServerKind.class);
        for (ServerKind kind : ServerKind.values()) {
            rss.put(kind, tree(kind).stream().mapToLong(pid -> kibibytes(pid, "status", "VmRSS:")).sum() * 1024);
        }
        return rss;
    }

    /**
     * Proportional set size in bytes per server: like RSS, but a page shared by n processes counts
     * 1/n in each, so Airflow's forked workers are not counted several times over.
     */
    Map<ServerKind, Long> proportionalBytes() {
        Map<ServerKind, Long> pss = new EnumMap<>(ServerKind.class);
        for (ServerKind kind : ServerKind.values()) {
            pss.put(kind, tree(kind).stream().mapToLong(pid -> kibibytes(pid, "smaps_rollup", "Pss:")).sum() * 1024);
        }
        return pss;
    }

    /** CPU seconds (user + system) used so far per server by its live process tree. */
    Map<ServerKind, Double> cpuSeconds() {
        Map<ServerKind, Double> cpu = new EnumMap<>(ServerKind.class);
        for (ServerKind kind : ServerKind.values()) {
            cpu.put(kind, tree(kind).stream().mapToLong(StackProcesses::cpuTicks).sum() / TICKS_PER_SECOND);
        }
        return cpu;
    }

    /** CPU seconds per server since {@code before} (a {@link #cpuSeconds()} reading). */
    Map<ServerKind, Double> cpuSecondsSince(Map<ServerKind, Double> before) {
        Map<ServerKind, Double> delta = new EnumMap<>(ServerKind.class);
        cpuSeconds().forEach((kind, value) -> delta.put(kind, Math.max(0, value - before.getOrDefault(kind, 0.0))));
        return delta;
    }

    /**
     * Waits until the whole stack uses less than {@value #QUIET_CORES} cores over {@link #QUIET_WINDOW}, at
     * most {@link #QUIET_TIMEOUT}. Cassandra flushes and compacts what one phase wrote for a while after
     * it; a phase measured on top of that would be charged with the previous phase's work.
     */
    void awaitQuiet(Consumer<String> log) throws InterruptedException {
        long began = System.nanoTime();
        while (true) {
            Map<ServerKind, Double> before = cpuSeconds();
            Thread.sleep(QUIET_WINDOW.toMillis());
            Map<ServerKind, Double> used = cpuSecondsSince(before);
            double cores = used.values().stream().mapToDouble(Double::doubleValue).sum() / (QUIET_WINDOW.toMillis() / 1e3);
            double waited = (System.nanoTime() - began) / 1e9;
            if (cores < QUIET_CORES) {
                log.accept("   stack quiet after %.0f s (%.2f cores)".formatted(waited, cores));
                return;
            }
            if (waited > QUIET_TIMEOUT.toSeconds()) {
                log.accept("   warning: stack still busy after %.0f s (%.2f cores, %s); measuring anyway".formatted(waited, cores, used));
                return;
            }
        }
    }

    /** Processes of one server: the one the launcher started and every live descendant; empty when not running. */
    List<Long> tree(ServerKind kind) {
        return stack.pid(kind)
                .flatMap(ProcessHandle::of)
                .map(root -> Stream.concat(Stream.of(root), root.descendants()).map(ProcessHandle::pid).toList())
                .orElse(List.of());
    }

    /** A "Name:   123 kB" line of /proc/<pid>/<file>, in KiB. */
    private static long kibibytes(long pid, String file, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), file))) {
            return lines.filter(line -> line.startsWith(field))
                    .findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .orElse(0L); // a zombie has no memory lines
        } catch (IOException | RuntimeException exited) {
            return 0; // exited between listing and reading
        }
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
        } catch (IOException | RuntimeException exited) {
            return 0;
        }
    }
}
