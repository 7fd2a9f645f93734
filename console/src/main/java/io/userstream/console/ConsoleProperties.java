package io.userstream.console;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * What the console watches ({@code userstream.console.*}).
 *
 * @param ingestUrl            ingest-service: runs, resume
 * @param storeUrl             user-store-service: delivery counts, user lookups
 * @param processorUrl         stream-processor: health
 * @param airflowUrl           Airflow's UI and health, linked from the page
 * @param streamsApplicationId the processor's Kafka Streams application id (its consumer group)
 * @param sampleInterval       how often topics, groups and servers are sampled (the page is at most this plus
 *                             one push behind)
 * @param history              how much rate history the charts keep
 * @param requestTimeout       how long a server may take to answer before it shows as unreachable
 * @param slowAfter            an answer slower than this shows the server as slow
 * @param recentRuns           how many of the latest runs the funnel follows
 * @param maxBrowse            most records one message-browser request returns
 * @param topics               the console's own topic
 * @param servicesLogin        the HTTP Basic login the console calls ingest-service, user-store-service and
 *                             stream-processor with (their APIs and health); none when they need no login. A
 *                             resume does not use it: it carries the caller's own credentials
 */
@Validated
@ConfigurationProperties("userstream.console")
public record ConsoleProperties(
        @NotNull URI ingestUrl,
        @NotNull URI storeUrl,
        @NotNull URI processorUrl,
        @NotNull URI airflowUrl,
        @NotBlank String streamsApplicationId,
        @NotNull Duration sampleInterval,
        @NotNull Duration history,
        @NotNull Duration requestTimeout,
        @NotNull Duration slowAfter,
        @Min(1) @Max(500) int recentRuns,
        @Min(1) @Max(1000) int maxBrowse,
        @Valid @NotNull Topics topics,
        @Valid ServicesLogin servicesLogin) {

    /**
     * A login of the services' APIs ({@code userstream.console.services-login.username} and {@code .password}):
     * a reader is enough, the console only reads them.
     */
    public record ServicesLogin(@NotBlank String username, @NotBlank String password) {

        /** The value of an {@code Authorization} header carrying this login. */
        public String basicAuthorization() {
            return "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "ServicesLogin[username=" + username + ", password=(hidden)]";
        }
    }

    /**
     * The console's own topic; the pipeline's are {@code userstream.topics} (common-schema's {@code TopicLayout}).
     *
     * @param redriveAudit one record per re-drive action (who, when, which, outcome); created by the console with
     *                     the pipeline topics' replication factor
     */
    public record Topics(@NotBlank String redriveAudit) {
    }
}
