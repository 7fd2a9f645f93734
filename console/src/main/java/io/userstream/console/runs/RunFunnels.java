package io.userstream.console.runs;

import io.userstream.console.ConsoleProperties;
import io.userstream.console.deadletters.DeadLetterIndex;
import io.userstream.console.follow.ProcessedUsersFollower;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Follows the latest runs: their ledger from ingest-service and their delivery from user-store-service every
 * sample interval (a finished, complete run's delivery every {@link #SETTLED_EVERY} instead: counting it reads
 * all its rows), and what the processor did with them from the console's own followers.
 */
@Component
public class RunFunnels {

    private static final Duration SETTLED_EVERY = Duration.ofSeconds(30);
    /** Weight of the newest rate sample: smooths the once-a-second steps of the delivery count. */
    private static final double RATE_WEIGHT = 0.3;

    private final WebClient http;
    private final ConsoleProperties properties;
    private final ProcessedUsersFollower processed;
    private final DeadLetterIndex deadLetters;
    private final AtomicReference<Runs> latest = new AtomicReference<>(new Runs(List.of(), "not sampled yet"));
    private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();

    public RunFunnels(WebClient.Builder http, ConsoleProperties properties, ProcessedUsersFollower processed,
                      DeadLetterIndex deadLetters) {
        this.http = http.build();
        this.properties = properties;
        this.processed = processed;
        this.deadLetters = deadLetters;
    }

    public Runs latest() {
        return latest.get();
    }

    @Scheduled(fixedDelayString = "${userstream.console.sample-interval}")
    void sample() {
        JsonNode runs;
        try {
            runs = http.get().uri(properties.ingestUrl().resolve("/api/v1/ingestions?limit=" + properties.recentRuns()))
                    .retrieve().bodyToMono(JsonNode.class).timeout(properties.requestTimeout()).block();
        } catch (RuntimeException e) {
            latest.set(new Runs(latest.get().runs(), "ingest-service (" + properties.ingestUrl() + ") did not answer: " + message(e)));
            return;
        }
        List<RunFunnel> funnels = Flux.fromIterable(runs == null ? List.<JsonNode>of() : runs.values())
                .concatMap(run -> delivery(run).map(delivery -> funnel(run, delivery)))
                .collectList()
                .block(properties.requestTimeout().multipliedBy(properties.recentRuns() + 1L));
        latest.set(new Runs(funnels == null ? List.of() : funnels, null));
    }

    private Mono<Delivery> delivery(JsonNode run) {
        String runId = run.path("id").asText();
        Delivery known = deliveries.get(runId);
        Instant now = Instant.now();
        if (known != null && known.settled() && known.at().plus(SETTLED_EVERY).isAfter(now)) {
            return Mono.just(known);
        }
        return http.get().uri(properties.storeUrl().resolve("/api/v1/ingestions/" + runId + "/delivery"))
                .retrieve().bodyToMono(JsonNode.class)
                .timeout(properties.requestTimeout())
                .map(body -> {
                    long stored = body.path("stored").asLong();
                    long dead = body.path("deadLettered").asLong();
                    long erased = body.path("erased").asLong();
                    boolean done = isDone(run) && stored + dead + erased >= run.path("published").asLong();
                    double rate = known == null || known.stored() < 0 ? 0 : rate(known, stored + dead + erased, now);
                    Delivery delivery = new Delivery(stored, dead, erased, rate, now, done, null);
                    deliveries.put(runId, delivery);
                    return delivery;
                })
                .onErrorResume(e -> Mono.just(new Delivery(-1, -1, -1, 0, now, false,
                        "user-store-service (" + properties.storeUrl() + ") did not answer: " + message(e))));
    }

    private static double rate(Delivery known, long arrived, Instant now) {
        double seconds = Math.max(0.001, Duration.between(known.at(), now).toMillis() / 1000.0);
        double sample = Math.max(0, arrived - known.arrived()) / seconds;
        return RATE_WEIGHT * sample + (1 - RATE_WEIGHT) * known.usersPerSecond();
    }

    private RunFunnel funnel(JsonNode run, Delivery delivery) {
        String runId = run.path("id").asText();
        long requested = run.path("requested").asLong();
        long published = run.path("published").asLong();
        long processedCount = processedOf(runId);
        long arrived = delivery.stored() < 0 ? -1 : delivery.arrived();
        boolean running = !isDone(run) || (arrived >= 0 && arrived < published);
        long eta = !running || arrived < 0 || delivery.usersPerSecond() < 0.5 ? -1
                : (long) Math.ceil(Math.max(0, requested - arrived) / delivery.usersPerSecond());
        String error = run.path("lastError").isNull() ? delivery.error() : run.path("lastError").asText(null);
        return new RunFunnel(runId, run.path("source").asText(), run.path("status").asText(), requested,
                run.path("fetched").asLong(), published, run.path("failed").asLong(), processedCount,
                delivery.stored(), delivery.deadLettered(), delivery.erased(), running ? delivery.usersPerSecond() : 0, eta,
                delivery.settled(), error, instant(run.path("createdAt")), instant(run.path("finishedAt")));
    }

    private long processedOf(String runId) {
        try {
            return processed.processed(UUID.fromString(runId)) + deadLetters.processorDeadLetters(runId);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private static boolean isDone(JsonNode run) {
        String status = run.path("status").asText();
        return "SUCCEEDED".equals(status) || "FAILED".equals(status);
    }

    private static Instant instant(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : Instant.parse(node.asText());
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** @param error why the runs may be stale, or null */
    public record Runs(List<RunFunnel> runs, String error) {
    }

    /** @param erased users of the run erased on request (DELETE /api/v1/users/{id}): accounted for, not missing */
    private record Delivery(long stored, long deadLettered, long erased, double usersPerSecond, Instant at, boolean settled,
                            String error) {

        long arrived() {
            return stored + deadLettered + erased;
        }
    }
}
