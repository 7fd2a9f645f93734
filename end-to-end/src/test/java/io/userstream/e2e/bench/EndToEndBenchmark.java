package io.userstream.e2e.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.userstream.e2e.bench.CassandraCeiling.Result;
import io.userstream.e2e.bench.DeliveryLatency.Latencies;
import io.userstream.e2e.bench.DeliveryLatency.Published;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.airflow.UserAutomation;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/**
 * End-to-end benchmark of a running {@code ./pipeline up} stack (run by bench/end-to-end.sh, which
 * starts and stops the stack): memory of the whole stack, throughput from the faker source until
 * every user is queryable in Cassandra, ingest-to-queryable latency at half of the best rate, and the
 * bare-driver Cassandra write ceiling for the rows of one of the runs, reported as a ratio.
 *
 * <p>Arguments: the sizes, comma-separated (default 10000,100000,1000000). System properties:
 * {@code bench.state} (the stack's state folder, PIPELINE_STATE_DIR), {@code bench.up-seconds} (how
 * long {@code ./pipeline up --no-run} took, for the result). Ports come from the environment like
 * {@code ./pipeline}'s (KAFKA_PORT, ...).
 */
public final class EndToEndBenchmark {

    private static final String KEYSPACE = "userstream";
    private static final int BATCH_SIZE = 5000;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    /** A run's rows are counted when the store's counter has stood still this long short of the run's size. */
    private static final Duration COUNT_WHEN_IDLE = Duration.ofSeconds(5);
    /** A run whose written count does not move for this long has stalled: fail rather than wait for ever. */
    private static final Duration STALL = Duration.ofMinutes(3);
    private static final Duration LATENCY_PHASE = Duration.ofSeconds(60);
    private static final int LATENCY_SAMPLE = 20_000;
    private static final int CEILING_RUN_MAX_USERS = 100_000;

    private static final long BEGAN = System.nanoTime();

    private final LocalStack stack;
    private final StackProcesses processes;
    private final PipelineApi api;
    private final CqlSession session;

    private EndToEndBenchmark(LocalStack stack, CqlSession session) {
        this.stack = stack;
        this.processes = new StackProcesses(stack);
        this.api = new PipelineApi(stack.ingestServiceUrl(), stack.userStoreServiceUrl(), stack.apiLogins().operator());
        this.session = session;
    }

    /** One timed run: N users from POST until stored. */
    record Throughput(int users, UUID runId, Duration took, Map<ServerKind, Double> cpuSeconds) {

        double usersPerSecond() {
            return users / (took.toNanos() / 1e9);
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = Arrays.stream((args.length > 0 ? args[0] : "10000,100000,1000000").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        Path state = Path.of(System.getProperty("bench.state", System.getenv().getOrDefault("PIPELINE_STATE_DIR", ".local-stack")));
        String upSeconds = System.getProperty("bench.up-seconds", "?");
        String loadBefore = loadAverage();
        log("machine: " + machine() + "; load before: " + loadBefore);

        LocalStack stack = LocalStack.detached(state, Ports.fromEnvironment(System.getenv()), EndToEndBenchmark::log);
        for (ServerKind kind : ServerKind.values()) {
            if (!stack.isHealthy(kind)) {
                throw new IllegalStateException(kind.displayName() + " is not " + (stack.isRunning(kind) ? "healthy" : "running")
                        + " in " + state + " (start the stack with ./pipeline up --no-run)");
            }
        }
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", stack.ports().cassandra()))
                .withLocalDatacenter(stack.cassandraLocalDatacenter())
                .withAuthCredentials(stack.cassandraLogins().userStore().username(), stack.cassandraLogins().userStore().password())
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                        .build())
                .build()) {
            new EndToEndBenchmark(stack, session).run(sizes, upSeconds, loadBefore);
        }
        System.exit(0); // the driver's and Kafka's non-daemon threads are done; do not wait for their timers
    }

    private void run(List<Integer> sizes, String upSeconds, String loadBefore) throws Exception {
        // a. Memory, once Airflow has run the DAG (its workers and task processes are warm).
        log("a. memory: running the user_automation DAG with 100 faker users ...");
        UserAutomation.Result warmUp = new UserAutomation(stack).run(UserAutomation.Request.of(100, "faker"), Duration.ofMinutes(10),
                task -> log("   task %s: %s".formatted(task.taskId(), task.state())));
        if (!warmUp.succeeded()) {
            throw new IllegalStateException("the warm-up DAG run failed: " + warmUp.failedTasks());
        }
        log("   DAG run succeeded in %.1f s: published=%s stored=%s".formatted(warmUp.took().toMillis() / 1e3,
                warmUp.published(), warmUp.stored()));
        Map<ServerKind, Long> rss = processes.residentBytes();
        Map<ServerKind, Long> pss = processes.proportionalBytes();
        log("   RSS: " + describeRss(rss));
        log("   PSS: " + describeRss(pss));

        // b. Throughput.
        List<Throughput> runs = new ArrayList<>();
        for (int users : sizes) {
            runs.add(throughput(users));
        }

        // c. Latency at half of the best rate.
        double best = runs.stream().mapToDouble(Throughput::usersPerSecond).max().orElseThrow();
        int perSecond = Math.max(1, (int) Math.round(best / 2));
        LatencyResult latency = latency(perSecond);

        // d. Ceiling for the rows of the largest run of at most 100k users.
        Throughput ceilingRun = runs.stream().filter(r -> r.users() <= CEILING_RUN_MAX_USERS)
                .max(Comparator.comparingInt(Throughput::users))
                .orElse(runs.stream().min(Comparator.comparingInt(Throughput::users)).orElseThrow());
        log("d. ceiling: the bare driver writes the rows of the %,d-user run".formatted(ceilingRun.users()));
        Result ceiling = new CassandraCeiling(session, KEYSPACE, processes, EndToEndBenchmark::log).measure(ceilingRun.runId());
        log("   ceiling: %,d users (%,d rows) in %.1f s = %,.0f users/s (%,.0f rows/s)".formatted(ceiling.users(), ceiling.rows(),
                ceiling.took().toMillis() / 1e3, ceiling.usersPerSecond(), ceiling.rowsPerSecond()));

        Map<ServerKind, Long> rssAfter = processes.residentBytes();
        String loadAfter = loadAverage();
        printResult(upSeconds, rss, pss, rssAfter, runs, latency, ceilingRun, ceiling, loadBefore, loadAfter);
    }

    /**
     * POST, then wait until every user is accounted for. The delivery endpoint counts every users_by_run
     * row of the run in Cassandra, the busiest process: polled every 2 s, counting took about 7 of
     * Cassandra's 48 CPU-seconds in a 100k run, and counting every 10 s about 1 s per count in a 1M run.
     * So the loop reads the store's users-written counter (cheap) every 200 ms, and counts only once that
     * counter says the run may be complete, or has not moved for {@link #COUNT_WHEN_IDLE} (dead letters
     * and refused users never move it, so such a run is timed up to that much late).
     */
    private Throughput throughput(int users) throws InterruptedException {
        log("b. throughput: %,d faker users (batchSize %d) ...".formatted(users, BATCH_SIZE));
        processes.awaitQuiet(EndToEndBenchmark::log);
        Map<ServerKind, Double> cpuBefore = processes.cpuSeconds();
        double writtenBefore = api.usersWritten();
        long t0 = System.nanoTime();
        UUID runId = api.startFakerRun(users, BATCH_SIZE);
        long lastProgress = t0;
        long lastChange = t0;
        long lastCount = t0;
        double lastWritten = 0;
        long target = users;
        long counts = 0;
        long countNanos = 0;
        while (true) {
            Thread.sleep(POLL.toMillis());
            long now = System.nanoTime();
            double written = api.usersWritten() - writtenBefore;
            if (written != lastWritten) {
                lastWritten = written;
                lastChange = now;
            } else if (now - lastChange > STALL.toNanos()) {
                throw new IllegalStateException("run %s stalled: %s, ingest %s".formatted(runId, api.delivery(runId), api.run(runId)));
            }
            // Written counts a user again when its batch is retried, so a count may still fall short: recount each second then.
            boolean mayBeComplete = written >= target && now - lastCount >= Duration.ofSeconds(1).toNanos();
            boolean idle = now - lastChange >= COUNT_WHEN_IDLE.toNanos() && now - lastCount >= COUNT_WHEN_IDLE.toNanos();
            if (mayBeComplete || idle) {
                PipelineApi.Delivery delivery = api.delivery(runId);
                lastCount = System.nanoTime();
                counts++;
                countNanos += lastCount - now;
                if (delivery.accountedFor() >= target) {
                    Duration took = Duration.ofNanos(lastCount - t0);
                    Map<ServerKind, Double> cpu = processes.cpuSecondsSince(cpuBefore);
                    Throughput result = new Throughput(users, runId, took, cpu);
                    log("   %,d users stored in %.1f s = %,.0f users/s (dead-lettered %d; %d delivery counts, %.0f ms each on average)"
                            .formatted(delivery.stored(), took.toMillis() / 1e3, result.usersPerSecond(), delivery.deadLettered(),
                                    counts, countNanos / 1e6 / counts));
                    log("   CPU during the run: " + describeCpu(cpu, took));
                    return result;
                }
            }
            if (now - lastProgress >= PROGRESS_EVERY.toNanos()) {
                lastProgress = now;
                PipelineApi.Run run = api.run(runId);
                if (run.failedForGood()) {
                    throw new IllegalStateException("ingestion " + runId + " failed: " + run);
                }
                if (!"RUNNING".equals(run.status()) && !"PENDING".equals(run.status()) && run.failed() > 0) {
                    target = run.published(); // users ingest refused are not coming
                }
                double seconds = (now - t0) / 1e9;
                log("   %5.1f s: written %,.0f of %,d (%,.0f users/s), ingest %s published %,d".formatted(
                        seconds, written, users, written / seconds, run.status(), run.published()));
            }
        }
    }

    /** What the latency phase did and measured. */
    record LatencyResult(int perSecond, int runs, long users, Duration drainAfterLastRun, int sampled, Latencies latencies) {
    }

    private LatencyResult latency(int perSecond) throws Exception {
        log("c. latency: a run of %,d faker users every second for %d s (half of the best rate) ...".formatted(
                perSecond, LATENCY_PHASE.toSeconds()));
        DeliveryLatency latency = new DeliveryLatency(stack.kafkaClientProperties(), session);
        Map<TopicPartition, Long> from = latency.endOffsets();
        List<UUID> runIds = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        int ticks = (int) LATENCY_PHASE.toSeconds();
        for (int tick = 0; tick < ticks; tick++) {
            clock.schedule(() -> {
                try {
                    runIds.add(api.startFakerRun(perSecond, BATCH_SIZE));
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, tick, TimeUnit.SECONDS);
        }
        clock.shutdown();
        if (!clock.awaitTermination(ticks + 60, TimeUnit.SECONDS) || !failures.isEmpty()) {
            throw new IllegalStateException("starting the latency runs failed: " + failures);
        }
        long lastStarted = System.nanoTime();
        log("   %d runs started; waiting until all are stored ...".formatted(runIds.size()));
        List<UUID> pending = new ArrayList<>(runIds);
        long deadline = lastStarted + Duration.ofMinutes(15).toNanos();
        while (!pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(pending.size() + " latency runs not stored after 15 minutes");
            }
            pending.removeIf(id -> api.delivery(id).accountedFor() >= perSecond);
            if (!pending.isEmpty()) {
                Thread.sleep(500);
            }
        }
        Duration drain = Duration.ofNanos(System.nanoTime() - lastStarted);
        List<Published> published = latency.publishedSince(from);
        Latencies measured = latency.measure(published, LATENCY_SAMPLE, KEYSPACE);
        LatencyResult result = new LatencyResult(perSecond, runIds.size(), published.size(), drain,
                Math.min(LATENCY_SAMPLE, published.size()), measured);
        log("   all stored %.1f s after the last run started; %,d published, %,d sampled (%d without a row): p50 %d ms, p99 %d ms, max %d ms"
                .formatted(drain.toMillis() / 1e3, published.size(), result.sampled(), measured.missing(),
                        measured.percentile(50), measured.percentile(99), measured.max()));
        return result;
    }

    private void printResult(String upSeconds, Map<ServerKind, Long> rss, Map<ServerKind, Long> pss, Map<ServerKind, Long> rssAfter, List<Throughput> runs,
                             LatencyResult latency, Throughput ceilingRun, Result ceiling, String loadBefore, String loadAfter) {
        StringBuilder out = new StringBuilder();
        out.append("\n===== RESULT (paste into docs/benchmarks.md) =====\n");
        out.append("Machine: ").append(machine()).append("\n");
        out.append("Load average (1/5/15 min) before: ").append(loadBefore).append("; after: ").append(loadAfter).append("\n\n");
        out.append("| Figure | Value | Target |\n|---|---|---|\n");
        out.append("| `./pipeline up --no-run` ready (built tree) | %s | ≤ 60 s |\n".formatted(upSeconds));
        out.append("| RSS of the whole stack after a 100-user DAG run (sum of VmRSS, every process) | %.2f GB (PSS %.2f GB) | ≤ 4 GB |\n"
                .formatted(gb(total(rss)), gb(total(pss))));
        for (Throughput run : runs) {
            out.append("| End to end, %,d users (faker → queryable) | %,.0f users/s (%.1f s), %.0f %% of the ceiling | ≥ 70 %% of the ceiling |\n"
                    .formatted(run.users(), run.usersPerSecond(), run.took().toMillis() / 1e3,
                            100 * run.usersPerSecond() / ceiling.usersPerSecond()));
        }
        out.append("| Bare-driver ceiling, rows of the %,d-user run (%,d rows) | %,.0f users/s (%,.0f rows/s) | |\n".formatted(
                ceilingRun.users(), ceiling.rows(), ceiling.usersPerSecond(), ceiling.rowsPerSecond()));
        out.append("| Ingest → queryable latency at %,d users/s for %d s (%,d of %,d users sampled) | p50 %d ms, p99 %d ms, max %d ms | p99 ≤ 1 s |\n"
                .formatted(latency.perSecond(), LATENCY_PHASE.toSeconds(), latency.latencies().sortedMillis().length, latency.users(),
                        latency.latencies().percentile(50), latency.latencies().percentile(99), latency.latencies().max()));
        out.append("\nRSS per server after the DAG run: ").append(describeRss(rss)).append("\n");
        out.append("PSS per server after the DAG run: ").append(describeRss(pss)).append("\n");
        out.append("RSS per server at the end: ").append(describeRss(rssAfter)).append("\n");
        out.append("Ceiling rows per table: ").append(ceiling.rowsByTable()).append("\n");
        // Where the CPU goes per user, so the ratio can be read: Cassandra's own cost in both, and what the rest adds.
        out.append("CPU during the ceiling: %s; the benchmark's driver client %.0f s\n".formatted(
                describeCpu(ceiling.stackCpuSeconds(), ceiling.took()), ceiling.driverCpuSeconds()));
        out.append("CPU per user, ceiling: Cassandra %.0f µs, driver client %.0f µs\n".formatted(
                1e6 * ceiling.stackCpuSeconds().get(ServerKind.CASSANDRA) / ceiling.users(), 1e6 * ceiling.driverCpuSeconds() / ceiling.users()));
        for (Throughput run : runs) {
            out.append("CPU during the %,d-user run: %s\n".formatted(run.users(), describeCpu(run.cpuSeconds(), run.took())));
            double total = run.cpuSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
            out.append("CPU per user, %,d-user run: Cassandra %.0f µs, everything else %.0f µs\n".formatted(run.users(),
                    1e6 * run.cpuSeconds().get(ServerKind.CASSANDRA) / run.users(),
                    1e6 * (total - run.cpuSeconds().get(ServerKind.CASSANDRA)) / run.users()));
        }
        out.append("Latency phase: %d runs of %,d users, all stored %.1f s after the last one started\n".formatted(
                latency.runs(), latency.perSecond(), latency.drainAfterLastRun().toMillis() / 1e3));
        out.append("===== END RESULT =====");
        log(out.toString());
    }

    private static String describeRss(Map<ServerKind, Long> rss) {
        return "total %.2f GB (%s)".formatted(gb(total(rss)), rss.entrySet().stream()
                .sorted(Map.Entry.<ServerKind, Long>comparingByValue().reversed())
                .map(e -> "%s %.0f MB".formatted(e.getKey().displayName(), e.getValue() / 1e6))
                .collect(Collectors.joining(", ")));
    }

    /** CPU seconds per server, busiest first, and what that is in cores over the run. */
    private static String describeCpu(Map<ServerKind, Double> cpu, Duration took) {
        double seconds = took.toNanos() / 1e9;
        double total = cpu.values().stream().mapToDouble(Double::doubleValue).sum();
        return "total %.0f s = %.2f cores (%s)".formatted(total, total / seconds, cpu.entrySet().stream()
                .sorted(Map.Entry.<ServerKind, Double>comparingByValue().reversed())
                .map(e -> "%s %.0f s".formatted(e.getKey().displayName(), e.getValue()))
                .collect(Collectors.joining(", ")));
    }

    private static long total(Map<ServerKind, Long> rss) {
        return rss.values().stream().mapToLong(Long::longValue).sum();
    }

    private static double gb(long bytes) {
        return bytes / 1e9;
    }

    private static String machine() {
        String memory;
        try (var lines = Files.lines(Path.of("/proc/meminfo"))) {
            long kib = lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).orElse(0L);
            memory = "%.1f GiB RAM".formatted(kib / 1024.0 / 1024.0);
        } catch (IOException e) {
            memory = "RAM unknown";
        }
        String cpu;
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (IOException e) {
            cpu = "?";
        }
        return "%d cores (%s), %s, %s %s".formatted(Runtime.getRuntime().availableProcessors(), cpu, memory,
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"));
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void log(String line) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - BEGAN) / 1e9, line);
        System.out.flush();
    }
}
