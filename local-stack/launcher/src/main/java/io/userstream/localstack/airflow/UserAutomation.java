package io.userstream.localstack.airflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userstream.localstack.ApiLogin;
import io.userstream.localstack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * Runs the {@code user_automation} DAG on a running stack (all servers and services up) and
 * collects what it did: the ingestion run it started, how many users ingest-service published,
 * how many user-store-service stored and dead-lettered, and one stored user read over REST.
 *
 * <pre>{@code
 * UserAutomation.Result result = new UserAutomation(stack)
 *         .run(UserAutomation.Request.of(50, "faker"), Duration.ofMinutes(10), task -> {});
 * assertThat(result.succeeded()).isTrue();
 * assertThat(result.stored()).hasValue(50);
 * }</pre>
 */
public final class UserAutomation {

    public static final String DAG_ID = "user_automation";
    /** Sources the DAG's {@code source} param accepts. */
    public static final Set<String> SOURCES = Set.of("faker", "randomuser");

    /** The task whose return value is the ingestion run (with its id). */
    private static final String START_TASK = "start_ingestion";
    private static final String WAIT_TASK = "wait_for_ingestion";
    private static final Duration DAG_PARSE_TIMEOUT = Duration.ofMinutes(3);
    /** Countries the two sources produce (randomuser.me's nationalities); the store lists users by country. */
    private static final List<String> COUNTRIES = List.of("US", "GB", "DE", "FR", "AU", "BR", "CA", "CH", "DK", "ES", "FI",
            "IE", "IN", "IR", "MX", "NL", "NO", "NZ", "RS", "TR", "UA");

    private final AirflowClient airflow;
    private final String ingestUrl;
    private final String storeUrl;
    private final ApiLogin reader;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public UserAutomation(LocalStack stack) {
        this(AirflowClient.forStack(stack), stack.ingestServiceUrl(), stack.userStoreServiceUrl(), stack.apiLogins().reader());
    }

    /** @param reader the login it reads runs and stored users with */
    public UserAutomation(AirflowClient airflow, String ingestServiceUrl, String userStoreServiceUrl, ApiLogin reader) {
        this.airflow = airflow;
        this.ingestUrl = ingestServiceUrl;
        this.storeUrl = userStoreServiceUrl;
        this.reader = reader;
    }

    /**
     * The DAG's params.
     *
     * @param seed makes the users reproducible. Each request needs its own: the stream processor drops
     *             a user it has seen in the last 24 h, so a second run with the same seed would publish
     *             users that are never stored for it, and its delivery check would fail.
     */
    public record Request(int count, String source, String seed) {

        public Request {
            if (count < 1 || count > 1_000_000) {
                throw new IllegalArgumentException("count must be 1 to 1,000,000, was " + count);
            }
            if (!SOURCES.contains(source)) {
                throw new IllegalArgumentException("source must be faker or randomuser, was '" + source + "'");
            }
            if (seed == null || !seed.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("seed must be 1 to 64 letters, digits, - or _, was '" + seed + "'");
            }
        }

        /** With a fresh seed. */
        public static Request of(int count, String source) {
            return new Request(count, source, "pipeline-" + UUID.randomUUID().toString().substring(0, 8));
        }

        Map<String, Object> conf() {
            Map<String, Object> conf = new LinkedHashMap<>();
            conf.put("count", count);
            conf.put("source", source);
            conf.put("seed", seed);
            return conf;
        }
    }

    /**
     * What one DAG run did.
     *
     * @param tasks          every task's final state
     * @param ingestionRunId the run ingest-service started, empty if the DAG failed before
     * @param published      users ingest-service published for that run
     * @param stored         users of that run user-store-service stored
     * @param deadLettered   users of that run dead-lettered, when the store reports it
     * @param sampleUser     one stored user, in one line, read with {@code GET /api/v1/users}
     */
    public record Result(DagRun dagRun, Duration took, List<TaskInstance> tasks, Optional<UUID> ingestionRunId,
                         OptionalLong published, OptionalLong stored, OptionalLong deadLettered, Optional<String> sampleUser) {

        public boolean succeeded() {
            return dagRun.isSuccess();
        }

        public List<TaskInstance> failedTasks() {
            return tasks.stream().filter(TaskInstance::hasFailed).toList();
        }
    }

    /** Waits for the DAG to be parsed, unpauses it, triggers one run and waits until it finished. */
    public Result run(Request request, Duration timeout, RunProgress progress) {
        Instant began = Instant.now();
        airflow.awaitDag(DAG_ID, DAG_PARSE_TIMEOUT);
        airflow.unpause(DAG_ID);
        DagRun triggered = airflow.trigger(DAG_ID, request.conf());
        DagRun finished = airflow.awaitCompletion(triggered, timeout, progress);
        return summarize(finished, Duration.between(began, Instant.now()));
    }

    /** The counts of a finished (or failed) run of the DAG, read from Airflow and the services. */
    public Result summarize(DagRun dagRun, Duration took) {
        List<TaskInstance> tasks = airflow.taskInstances(dagRun.dagId(), dagRun.dagRunId());
        Optional<UUID> ingestionRunId = airflow.returnValue(dagRun.dagId(), dagRun.dagRunId(), START_TASK)
                .map(run -> run.path("id").asText(null))
                .map(UUID::fromString);
        OptionalLong published = OptionalLong.empty();
        OptionalLong stored = OptionalLong.empty();
        OptionalLong deadLettered = OptionalLong.empty();
        if (ingestionRunId.isPresent()) {
            String id = ingestionRunId.get().toString();
            // The ingestion as the DAG last saw it, else as ingest-service sees it now.
            JsonNode ingestion = airflow.returnValue(dagRun.dagId(), dagRun.dagRunId(), WAIT_TASK)
                    .orElseGet(() -> get(ingestUrl + "/api/v1/ingestions/" + id).orElse(json.nullNode()));
            published = number(ingestion, "published");
            Optional<JsonNode> delivery = get(storeUrl + "/api/v1/ingestions/" + id + "/delivery");
            stored = delivery.map(d -> number(d, "stored")).orElse(OptionalLong.empty());
            deadLettered = delivery.map(d -> number(d, "deadLettered")).orElse(OptionalLong.empty());
        }
        return new Result(dagRun, took, tasks, ingestionRunId, published, stored, deadLettered, sampleUser());
    }

    /** A task try's last log lines, to show why it failed. */
    public List<String> logOf(DagRun dagRun, TaskInstance task, int lines) {
        return airflow.taskLog(dagRun.dagId(), dagRun.dagRunId(), task.taskId(), Math.max(1, task.tryNumber()), lines);
    }

    /** The store lists users by country only, so the first country with a user gives one. */
    private Optional<String> sampleUser() {
        for (String country : COUNTRIES) {
            Optional<JsonNode> page = get(storeUrl + "/api/v1/users?limit=1&country=" + country);
            JsonNode user = page.map(p -> p.path("items").path(0)).orElse(json.missingNode());
            if (!user.isMissingNode()) {
                return Optional.of(describe(user));
            }
        }
        return Optional.empty();
    }

    private static String describe(JsonNode user) {
        JsonNode name = user.path("name");
        JsonNode location = user.path("location");
        return "%s %s <%s>, %s, %s (source %s): GET /api/v1/users/%s".formatted(
                name.path("first").asText(), name.path("last").asText(), user.path("email").asText(),
                location.path("city").asText(), location.path("country").asText(),
                user.path("ingestion").path("source").asText(), user.path("id").asText());
    }

    private static OptionalLong number(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isNumber() ? OptionalLong.of(value.asLong()) : OptionalLong.empty();
    }

    private Optional<JsonNode> get(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .header("Authorization", reader.basicAuthorization())
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(json.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
