package io.userstream.e2e.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.ServerKind;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The representative subset of the fault drills that {@code ./mvnw verify} runs (the whole set, repeated, is
 * {@code bench/drills.sh}; two to three minutes a drill here, so two keep the suite within its budget): the crash
 * of the stage whose state must stay exact (the processor: exactly-once output and window counts) and a broker
 * outage that ingestion must ride out and every stage reconnect after. Each must end with every published user stored exactly once or dead-lettered, nothing else
 * stored, exact stats, and the DAG run and the ingestion run SUCCEEDED, with no step by a person.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultDrillIT {

    /** Enough for the fault to land mid-run on two cores, small enough to keep the suite under its budget. */
    private static final int USERS = 30_000;

    private DrillStack drills;
    private Drill drill;

    @BeforeAll
    void startStack() {
        drills = new DrillStack(line -> System.out.println("[drill] " + line));
        long seed = Long.getLong("drill.seed", System.nanoTime());
        System.out.println("[drill] random seed " + seed + " (-Ddrill.seed to repeat)");
        drill = new Drill(drills, line -> System.out.println("[drill] " + line), new Random(seed));
    }

    @AfterAll
    void stopStack() {
        if (drills != null) {
            drills.close();
        }
    }

    static Stream<Fault> faults() {
        return Stream.of(
                new Fault.Kill(ServerKind.POSTGRES),
                new Fault.Kill(ServerKind.PROCESSOR),
                new Fault.Outage(ServerKind.KAFKA, Duration.ofSeconds(20)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void nothingLostNothingDuplicatedExactStatsNoHands(Fault fault) throws Exception {
        DrillResult result = drill.run(fault, USERS);

        assertThat(result.passed()).as(result.summary()).isTrue();
        assertThat(result.note()).as(result.summary()).doesNotContain("before the fault");
    }
}
