package io.userstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Ctrl-C while {@code ./pipeline up} starts the servers stops what it started, and leaves no PID file. */
class PipelineInterruptIT {

    private final PipelineScript pipeline = new PipelineScript();

    @AfterEach
    void stopWhateverIsLeft() throws Exception {
        pipeline.run("down");
    }

    @Test
    void ctrlCWhileStartingStopsWhatWasStarted() throws Exception {
        Process up = pipeline.start("up", "--no-run");
        Set<Long> seen = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (seen.size() < 2 && System.nanoTime() < deadline) {
            seen.addAll(pipeline.recordedPids());
            Thread.sleep(50);
        }
        assertThat(seen).as("servers started before Ctrl-C").hasSizeGreaterThanOrEqualTo(2);

        new ProcessBuilder("kill", "-INT", Long.toString(up.pid())).start().waitFor();
        assertThat(up.waitFor(90, TimeUnit.SECONDS)).isTrue();
        seen.addAll(pipeline.recordedPids());

        assertThat(seen).allSatisfy(pid -> assertThat(PipelineScript.alive(pid)).as("pid " + pid).isFalse());
        assertThat(pipeline.recordedPids()).isEmpty();
    }
}
