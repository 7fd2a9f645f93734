package io.userstream.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userstream.localstack.ApiLogin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/** The two calls a user of the pipeline makes: start an ingestion (ingest-service) and ask how it was delivered (user-store-service). */
final class PipelineApi {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ObjectMapper json = new ObjectMapper();
    private final String ingestUrl;
    private final String storeUrl;
    private final ApiLogin operator;

    /** @param operator the login it starts runs and reads them with */
    PipelineApi(String ingestUrl, String storeUrl, ApiLogin operator) {
        this.ingestUrl = ingestUrl;
        this.storeUrl = storeUrl;
        this.operator = operator;
    }

    /** What the store holds of a run: users stored and records dead-lettered. */
    record Delivery(long stored, long deadLettered) {

        long accountedFor() {
            return stored + deadLettered;
        }
    }

    /** An ingestion run as ingest-service reports it. */
    record Run(String status, long published, long failed, String lastError) {

        boolean failedForGood() {
            return "FAILED".equals(status);
        }
    }

    /** POST /api/v1/ingestions with the faker source and a fresh seed (the processor drops users it has seen in 24 h). */
    UUID startFakerRun(int users, int batchSize) {
        String body = "{\"source\":\"faker\",\"count\":%d,\"batchSize\":%d}".formatted(users, Math.min(batchSize, users));
        HttpRequest request = HttpRequest.newBuilder(URI.create(ingestUrl + "/api/v1/ingestions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Authorization", operator.basicAuthorization())
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        JsonNode started = send(request, 202, 201, 200);
        return UUID.fromString(started.path("id").asText());
    }

    Run run(UUID runId) {
        JsonNode run = get(ingestUrl + "/api/v1/ingestions/" + runId);
        return new Run(run.path("status").asText(), run.path("published").asLong(), run.path("failed").asLong(),
                run.path("lastError").asText(null));
    }

    Delivery delivery(UUID runId) {
        JsonNode delivery = get(storeUrl + "/api/v1/ingestions/" + runId + "/delivery");
        return new Delivery(delivery.path("stored").asLong(), delivery.path("deadLettered").asLong());
    }

    /**
     * The store's {@code userstream.store.records.written{kind=users}} counter: cheap, unlike counting a
     * run's rows. 0 before the first write registers it (404).
     */
    double usersWritten() {
        return get(storeUrl + "/actuator/metrics/userstream.store.records.written?tag=kind:users", 200, 404)
                .path("measurements").path(0).path("value").asDouble();
    }

    private JsonNode get(String url, int... expected) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("Authorization", operator.basicAuthorization())
                .GET()
                .build();
        return send(request, expected.length == 0 ? new int[] {200} : expected);
    }

    private JsonNode send(HttpRequest request, int... expected) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            for (int status : expected) {
                if (response.statusCode() == status) {
                    return json.readTree(response.body());
                }
            }
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                    + ": " + response.body());
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
