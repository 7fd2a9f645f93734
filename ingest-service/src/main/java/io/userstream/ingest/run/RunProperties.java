package io.userstream.ingest.run;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How runs are executed.
 *
 * @param defaultBatchSize  users per page when the request gives no batchSize
 * @param concurrentRuns    runs executed at the same time; further runs wait PENDING
 * @param queuedRuns        runs that may wait PENDING; beyond that a new run fails at once (resumable)
 * @param pagesInFlight     pages fetched ahead while earlier pages still wait for Kafka's acknowledgement
 * @param shutdownGrace     how long a stopping service lets running runs notice the stop
 */
@Validated
@ConfigurationProperties("ingest.runs")
public record RunProperties(
        @Min(1) @Max(5000) int defaultBatchSize,
        @Min(1) int concurrentRuns,
        @Min(0) int queuedRuns,
        @Min(1) int pagesInFlight,
        @NotNull Duration shutdownGrace) {
}
