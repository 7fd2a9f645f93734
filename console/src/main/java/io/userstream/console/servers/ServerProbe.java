package io.userstream.console.servers;

import tools.jackson.databind.JsonNode;
import io.userstream.console.ConsoleProperties;
import io.userstream.console.kafka.KafkaClients;
import io.userstream.console.servers.ServerStatus.Status;
import java.net.URI;
import tools.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Asks every server of the stack whether it answers, every sample interval, all at once: Kafka (describe
 * cluster), the registry (its subjects), the three services and Airflow (their health endpoints), and
 * Cassandra as user-store-service sees it. The page shows the latest answers.
 */
@Component
public class ServerProbe {

    private final KafkaClients kafka;
    private final WebClient http;
    private final ConsoleProperties properties;
    private final AtomicReference<List<ServerStatus>> latest = new AtomicReference<>(List.of());

    public ServerProbe(KafkaClients kafka, WebClient.Builder http, ConsoleProperties properties) {
        this.kafka = kafka;
        this.http = http.build();
        this.properties = properties;
    }

    public List<ServerStatus> latest() {
        return latest.get();
    }

    @Scheduled(fixedDelayString = "${userstream.console.sample-interval}")
    void probe() {
        // Kafka first: its probe blocks, and the HTTP probes below start their clocks when built, so built before it
        // they would count Kafka's wait as their own and show as SLOW whenever Kafka does not answer.
        ServerStatus kafkaStatus = kafka();
        Mono<List<ServerStatus>> services = Flux.mergeSequential(
                        health("ingest-service", properties.ingestUrl(), "/actuator/health", null),
                        health("stream-processor", properties.processorUrl(), "/actuator/health", null),
                        health("user-store-service", properties.storeUrl(), "/actuator/health", "cassandra"),
                        health("airflow", properties.airflowUrl(), "/api/v2/monitor/health", null))
                .collectList();
        Mono<ServerStatus> registry = registry();
        List<ServerStatus> rest = Mono.zip(registry, services).map(both -> {
            List<ServerStatus> all = new ArrayList<>();
            all.add(kafkaStatus);
            all.add(both.getT1());
            all.addAll(both.getT2());
            return all;
        }).block(properties.requestTimeout().multipliedBy(2));
        latest.set(rest == null ? List.of(kafkaStatus) : List.copyOf(rest));
    }

    private ServerStatus kafka() {
        long start = System.nanoTime();
        try {
            String cluster = kafka.admin()
                    .describeCluster(new DescribeClusterOptions().timeoutMs((int) properties.requestTimeout().toMillis()))
                    .clusterId().get(properties.requestTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
            return timed("kafka", "", start, Status.UP, "cluster " + cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ServerStatus("kafka", "", Status.UNREACHABLE, "interrupted", -1);
        } catch (Exception e) {
            return new ServerStatus("kafka", "", Status.UNREACHABLE,
                    "no broker answered within " + properties.requestTimeout().toSeconds() + " s", -1);
        }
    }

    private Mono<ServerStatus> registry() {
        String url = kafka.schemaRegistryUrl();
        long start = System.nanoTime();
        return http.get().uri(url + "/subjects").retrieve().toBodilessEntity()
                .map(ok -> timed("schema-registry", url, start, Status.UP, ""))
                .timeout(properties.requestTimeout())
                .onErrorResume(e -> Mono.just(unreachable("schema-registry", url, e)));
    }

    /**
     * A service's health endpoint; {@code server}, when given, is a health component of it shown as a server of
     * its own (user-store-service's {@code cassandra}: the console has no Cassandra session of its own).
     */
    private Flux<ServerStatus> health(String name, URI base, String path, String server) {
        long start = System.nanoTime();
        return http.get().uri(base.resolve(path)).exchangeToMono(response -> response.bodyToMono(JsonNode.class)
                        .defaultIfEmpty(NullNode.getInstance())
                        .map(body -> {
                            List<ServerStatus> statuses = new ArrayList<>();
                            statuses.add(healthOf(name, base, start, response.statusCode().value(), body));
                            if (server != null) {
                                statuses.add(component(server, name, body.path("components").path(server)));
                            }
                            return statuses;
                        }))
                .timeout(properties.requestTimeout())
                .onErrorResume(e -> {
                    List<ServerStatus> statuses = new ArrayList<>();
                    statuses.add(unreachable(name, base.toString(), e));
                    if (server != null) {
                        statuses.add(new ServerStatus(server, "", Status.UNREACHABLE, "unknown: " + name + " does not answer", -1));
                    }
                    return Mono.just(statuses);
                })
                .flatMapIterable(statuses -> statuses);
    }

    private static ServerStatus component(String server, String via, JsonNode health) {
        String status = health.path("status").asText("");
        if ("UP".equals(status)) {
            return new ServerStatus(server, "", Status.UP, "as " + via + " sees it", -1);
        }
        String reason = health.path("details").path("error").asText(health.path("details").path("reason").asText(""));
        return new ServerStatus(server, "", status.isEmpty() ? Status.UNREACHABLE : Status.DOWN,
                (status.isEmpty() ? "not reported by " + via : via + " reports " + status) + (reason.isEmpty() ? "" : ": " + reason), -1);
    }

    private ServerStatus healthOf(String name, URI base, long start, int status, JsonNode body) {
        String reported = body.path("status").asText("");
        if (reported.isEmpty()) {
            // Airflow's monitor answers per component: metadatabase, scheduler, dag_processor.
            reported = body.path("metadatabase").path("status").asText("").equalsIgnoreCase("healthy")
                    && body.path("scheduler").path("status").asText("").equalsIgnoreCase("healthy") ? "UP" : "";
        }
        if (status == 200 && "UP".equals(reported)) {
            return timed(name, base.toString(), start, Status.UP, "");
        }
        return new ServerStatus(name, base.toString(), Status.DOWN, downComponents(status, body), elapsed(start));
    }

    private static String downComponents(int status, JsonNode body) {
        StringBuilder down = new StringBuilder("HTTP " + status);
        body.path("components").properties().forEach(entry -> {
            String componentStatus = entry.getValue().path("status").asText("");
            if (!"UP".equals(componentStatus)) {
                down.append("; ").append(entry.getKey()).append(' ').append(componentStatus);
                String reason = entry.getValue().path("details").path("reason").asText("");
                if (!reason.isEmpty()) {
                    down.append(": ").append(reason);
                }
            }
        });
        return down.toString();
    }

    private ServerStatus timed(String name, String url, long start, Status status, String detail) {
        long millis = elapsed(start);
        if (status == Status.UP && millis > properties.slowAfter().toMillis()) {
            return new ServerStatus(name, url, Status.SLOW, "answered in " + millis + " ms", millis);
        }
        return new ServerStatus(name, url, status, detail, millis);
    }

    private ServerStatus unreachable(String name, String url, Throwable e) {
        String why = e instanceof java.util.concurrent.TimeoutException
                ? "no answer within " + properties.requestTimeout().toSeconds() + " s"
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new ServerStatus(name, url, Status.UNREACHABLE, why, -1);
    }

    private static long elapsed(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
