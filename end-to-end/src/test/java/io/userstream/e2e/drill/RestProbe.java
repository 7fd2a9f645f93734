package io.userstream.e2e.drill;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * A REST client reading user-store-service while a drill's fault lasts: one {@code GET /api/v1/users/{id}} after
 * another on one kept-alive connection (a user id no run has, so each is a read of Cassandra answered 404), each with a
 * 5 s timeout. An answer other than 200 or 404, or none in time, is an error.
 */
final class RestProbe implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    private final String storeUrl;
    private final String authorization;
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private volatile long errors;
    private volatile boolean running = true;
    private final Thread thread;

    private RestProbe(String storeUrl, String authorization) {
        this.storeUrl = storeUrl;
        this.authorization = authorization;
        this.thread = new Thread(this::readUntilStopped, "rest-probe");
        thread.setDaemon(true);
    }

    static RestProbe start(String storeUrl, String authorization) {
        RestProbe probe = new RestProbe(storeUrl, authorization);
        probe.thread.start();
        return probe;
    }

    private void readUntilStopped() {
        while (running) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(storeUrl + "/api/v1/users/" + UUID.randomUUID()))
                    .timeout(TIMEOUT).header("Authorization", authorization).GET().build();
            long began = System.nanoTime();
            try {
                int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 404) {
                    latencies.add(System.nanoTime() - began);
                } else {
                    errors++;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                errors++;
            }
        }
    }

    /** Stops reading and returns what was read. */
    Reads stop() {
        running = false;
        try {
            thread.join(TIMEOUT.plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Long> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        Collections.sort(sorted);
        return new Reads(sorted.size() + errors, errors, percentile(sorted, 0.5), percentile(sorted, 0.99));
    }

    private static Duration percentile(List<Long> sorted, double quantile) {
        return sorted.isEmpty() ? Duration.ZERO : Duration.ofNanos(sorted.get((int) Math.min(sorted.size() - 1, Math.floor(quantile * sorted.size()))));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }

    /** The reads of one drill: how many, how many failed, and the latency of those answered. */
    record Reads(long requests, long errors, Duration p50, Duration p99) {

        static final Reads NONE = new Reads(0, 0, Duration.ZERO, Duration.ZERO);

        /** For a table: the highest p50 and p99 and the errors of all runs. */
        static String worst(List<Reads> runs) {
            long requests = runs.stream().mapToLong(Reads::requests).sum();
            if (requests == 0) {
                return "-";
            }
            return "%d / %d ms, %d errors of %,d".formatted(runs.stream().mapToLong(run -> run.p50().toMillis()).max().orElse(0),
                    runs.stream().mapToLong(run -> run.p99().toMillis()).max().orElse(0), runs.stream().mapToLong(Reads::errors).sum(), requests);
        }

        @Override
        public String toString() {
            return requests == 0 ? "no REST reads" : "REST reads %d, errors %d, p50 %d ms, p99 %d ms".formatted(requests, errors,
                    p50.toMillis(), p99.toMillis());
        }
    }
}
