package io.userstream.e2e.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import io.userstream.localstack.Topology;

/**
 * The whole fault-drill suite, for {@code bench/drills.sh}: every drill of {@link Fault#all()} (or those whose
 * name contains the filter), each repeated N times in a row on one stack, then a table per drill (repetitions,
 * passed, lost, duplicated, stats error, time to recover), also written to {@code target/drills.md}.
 * Exit code 1 if any repetition failed.
 *
 * <p>Arguments: repetitions [users per run] [filter]. {@code -Ddrill.nodes=3}: a cluster ({@link Topology}) and its
 * node-loss drills ({@link Fault#cluster}).
 */
public final class FaultDrills {

    private FaultDrills() {
    }

    public static void main(String[] args) throws Exception {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        String filter = args.length > 2 ? args[2] : "";
        long seed = Long.getLong("drill.seed", System.nanoTime());
        Topology topology = new Topology(Integer.getInteger("drill.nodes", 1));
        List<Fault> faults = Fault.of(topology).stream().filter(fault -> fault.name().contains(filter)).toList();
        System.out.printf("[drills] %d drills x %d repetitions, %d users per run, %d node(s), random seed %d%n", faults.size(), repetitions,
                users, topology.nodes(), seed);
        Map<String, List<DrillResult>> results = new LinkedHashMap<>();
        Path report = Path.of("target", "drills.md").toAbsolutePath();
        try (DrillStack drills = DrillStack.start(topology, line -> System.out.println(Instant.now() + " " + line))) {
            Drill drill = new Drill(drills, line -> System.out.println(Instant.now() + " [drill] " + line), new Random(seed));
            for (Fault fault : faults) {
                for (int i = 1; i <= repetitions; i++) {
                    DrillResult result;
                    try {
                        result = drill.run(fault, users);
                    } catch (Exception | AssertionError e) {
                        e.printStackTrace(System.out);
                        result = new DrillResult(fault.name(), users, "error", "error: " + e, 0, 0, 0, 0, 0, 0, 0, 0,
                                java.time.Duration.ZERO, java.time.Duration.ZERO, RestProbe.Reads.NONE, String.valueOf(e.getMessage()));
                    }
                    results.computeIfAbsent(fault.name(), name -> new ArrayList<>()).add(result);
                    System.out.printf("[drills] %s, repetition %d/%d: %s%n", fault.name(), i, repetitions, result.summary());
                    write(report, results, users);
                }
            }
        }
        String table = write(report, results, users);
        System.out.println(table);
        System.out.println("[drills] report: " + report);
        System.exit(results.values().stream().flatMap(List::stream).allMatch(DrillResult::passed) ? 0 : 1);
    }

    private static String write(Path report, Map<String, List<DrillResult>> results, int users) throws IOException {
        StringBuilder table = new StringBuilder("""
                | Drill (%,d faker users per run) | Repetitions | Passed | Lost | Duplicated | Stats error | Time to recover (max) | Run took (max) | REST reads during recovery: p50 / p99 (worst), errors |
                | --- | --- | --- | --- | --- | --- | --- | --- | --- |
                """.formatted(users));
        results.forEach((fault, runs) -> table.append("| %s | %d | %d | %d | %d | %d | %.0f s | %.0f s | %s |%n".formatted(fault, runs.size(),
                runs.stream().filter(DrillResult::passed).count(),
                runs.stream().mapToLong(DrillResult::lost).sum(),
                runs.stream().mapToLong(DrillResult::duplicated).sum(),
                runs.stream().mapToLong(run -> Math.abs(run.statsError())).sum(),
                runs.stream().mapToLong(run -> run.recovered().toMillis()).max().orElse(0) / 1e3,
                runs.stream().mapToLong(run -> run.took().toMillis()).max().orElse(0) / 1e3,
                RestProbe.Reads.worst(runs.stream().map(DrillResult::reads).toList()))));
        StringBuilder details = new StringBuilder("\nEvery repetition:\n\n");
        results.values().stream().flatMap(List::stream).forEach(run -> details.append("- ").append(run.summary()).append('\n'));
        Files.createDirectories(report.getParent());
        Files.writeString(report, table + details.toString());
        return table.toString();
    }
}
