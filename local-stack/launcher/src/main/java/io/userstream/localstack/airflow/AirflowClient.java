package io.userstream.localstack.airflow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.userstream.localstack.AirflowLogin;
import io.userstream.localstack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Triggers and watches DAG runs through Airflow 3's REST API ({@code /api/v2}), logged in with a
 * JWT from {@code POST /auth/token} (renewed once when a call answers 401).
 *
 * <pre>{@code
 * AirflowClient airflow = AirflowClient.forStack(stack);
 * airflow.awaitDag("user_automation", Duration.ofMinutes(2));   // parsed by the dag-processor
 * airflow.unpause("user_automation");                          // new DAGs start paused
 * DagRun run = airflow.trigger("user_automation", Map.of("count", 50, "source", "faker"));
 * run = airflow.awaitCompletion(run, Duration.ofMinutes(10), task -> {});   // rides out Airflow restarts
 * }</pre>
 */
public final class AirflowClient {

    private static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final String baseUrl;
    private final AirflowLogin login;
    // HTTP/1.1: the JDK client's default h2c upgrade attempt makes Airflow's server (uvicorn) drop a POST's body.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private String token;

    /**
     * @param baseUrl Airflow's API server, e.g. {@code http://127.0.0.1:8080}
     * @param login   a user allowed to trigger DAG runs
     */
    public AirflowClient(String baseUrl, AirflowLogin login) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.login = login;
    }

    /** A client for the stack's Airflow, logged in as its generated admin. */
    public static AirflowClient forStack(LocalStack stack) {
        AirflowLogin login = stack.airflowLogin().orElseThrow(() -> new AirflowApiException(
                "Airflow's admin password is not there yet (" + stack.stateDir().resolve("airflow") + "): has Airflow started?"));
        return new AirflowClient(stack.airflowUrl(), login);
    }

    /**
     * Waits until the DAG is known to the API, that is parsed by the dag-processor. On time-out the
     * message carries Airflow's import errors, if any.
     */
    public void awaitDag(String dagId, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                HttpResponse<String> response = send("GET", "/api/v2/dags/" + encode(dagId), null);
                if (response.statusCode() == 200) {
                    return;
                }
                if (response.statusCode() != 404) {
                    throw unexpected("GET /api/v2/dags/" + dagId, response);
                }
            } catch (AirflowUnavailableException restarting) {
                if (Instant.now().isAfter(deadline)) {
                    throw restarting;
                }
                sleep(POLL);
                continue;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AirflowApiException("DAG " + dagId + " was not parsed within " + timeout.toSeconds() + " s"
                        + importErrors().map(errors -> "; Airflow's import errors:\n" + errors).orElse(" and Airflow reports no import error"));
            }
            sleep(POLL);
        }
    }

    /** New DAGs start paused, and a paused DAG's runs stay queued. */
    public void unpause(String dagId) {
        expect(200, "PATCH", "/api/v2/dags/" + encode(dagId), Map.of("is_paused", false));
    }

    /** A manual run with the given params ({@code conf}), without a logical date (so runs never clash). */
    public DagRun trigger(String dagId, Map<String, ?> conf) {
        ObjectNode body = json.createObjectNode();
        body.putNull("logical_date");
        body.set("conf", json.valueToTree(conf));
        return dagRun(expect(200, "POST", "/api/v2/dags/" + encode(dagId) + "/dagRuns", body));
    }

    public DagRun dagRun(String dagId, String dagRunId) {
        return dagRun(expect(200, "GET", runPath(dagId, dagRunId), null));
    }

    public List<TaskInstance> taskInstances(String dagId, String dagRunId) {
        JsonNode page = expect(200, "GET", runPath(dagId, dagRunId) + "/taskInstances?limit=100", null);
        List<TaskInstance> tasks = new ArrayList<>();
        for (JsonNode task : page.path("task_instances")) {
            tasks.add(new TaskInstance(task.path("task_id").asText(),
                    task.path("state").isNull() ? null : task.path("state").asText(null),
                    task.path("try_number").asInt()));
        }
        return tasks;
    }

    /**
     * Polls the run until it succeeded or failed, telling {@code progress} about each task state the first
     * time it is seen (and each new try). Airflow not answering for a while (restarting, its database away)
     * does not end the wait: its scheduler picks the run up again when it is back.
     *
     * @throws AirflowApiException when the run is not finished within the timeout
     */
    public DagRun awaitCompletion(DagRun run, Duration timeout, RunProgress progress) {
        Instant deadline = Instant.now().plus(timeout);
        Set<TaskInstance> seen = new HashSet<>();
        Instant unavailableSince = null;
        String lastState = run.state();
        while (true) {
            try {
                DagRun current = dagRun(run.dagId(), run.dagRunId());
                List<TaskInstance> tasks = taskInstances(run.dagId(), run.dagRunId());
                if (unavailableSince != null) {
                    progress.airflowBack(Duration.between(unavailableSince, Instant.now()));
                    unavailableSince = null;
                }
                for (TaskInstance task : tasks) {
                    if (task.state() != null && seen.add(task)) {
                        progress.taskChanged(task);
                    }
                }
                if (current.isFinished()) {
                    return current;
                }
                lastState = current.state();
            } catch (AirflowUnavailableException restarting) {
                if (unavailableSince == null) {
                    unavailableSince = Instant.now();
                    progress.airflowUnavailable(restarting.getMessage());
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AirflowApiException("DAG run " + run.dagRunId() + " of " + run.dagId() + " is still "
                        + lastState + " after " + timeout.toSeconds() + " s"
                        + (unavailableSince == null ? "" : "; Airflow has not answered since " + unavailableSince));
            }
            sleep(POLL);
        }
    }

    /** A task's {@code return_value} XCom as JSON (the value the task returned), if it pushed one. */
    public Optional<JsonNode> returnValue(String dagId, String dagRunId, String taskId) {
        HttpResponse<String> response = send("GET", runPath(dagId, dagRunId) + "/taskInstances/" + encode(taskId)
                + "/xcomEntries/return_value", null);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode entry = parse(check(200, "GET xcom return_value of " + taskId, response));
        JsonNode value = entry.path("value");
        // Stored JSON comes back as JSON; a value Airflow could only stringify comes back as a string of JSON.
        if (value.isTextual()) {
            try {
                return Optional.of(json.readTree(value.asText()));
            } catch (JsonProcessingException notJson) {
                return Optional.of(value);
            }
        }
        return Optional.of(value);
    }

    /** The last {@code lines} lines of a task try's log ({@code LEVEL message}), for error reports. */
    public List<String> taskLog(String dagId, String dagRunId, String taskId, int tryNumber, int lines) {
        JsonNode log = expect(200, "GET", runPath(dagId, dagRunId) + "/taskInstances/" + encode(taskId)
                + "/logs/" + tryNumber + "?full_content=true", null);
        List<String> all = new ArrayList<>();
        for (JsonNode line : log.path("content")) {
            String level = line.path("level").asText("");
            String event = line.path("event").asText(line.toString());
            all.add((level.isEmpty() ? "" : level.toUpperCase() + " ") + event);
            // A task's exception is a structured field of its "Task failed with exception" line.
            for (JsonNode error : line.path("error_detail")) {
                all.add("  " + error.path("exc_type").asText() + ": " + error.path("exc_value").asText());
            }
        }
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    private Optional<String> importErrors() {
        HttpResponse<String> response = send("GET", "/api/v2/importErrors", null);
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        List<String> errors = new ArrayList<>();
        for (JsonNode error : parse(response.body()).path("import_errors")) {
            errors.add(error.path("filename").asText() + ":\n" + error.path("stack_trace").asText());
        }
        return errors.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", errors));
    }

    private DagRun dagRun(JsonNode run) {
        return new DagRun(run.path("dag_id").asText(), run.path("dag_run_id").asText(), run.path("state").asText(),
                instant(run.path("start_date")), instant(run.path("end_date")));
    }

    private static Instant instant(JsonNode value) {
        return value.isTextual() ? Instant.parse(value.asText()) : null;
    }

    private JsonNode expect(int status, String method, String path, Object body) {
        return parse(check(status, method + " " + path, send(method, path, body)));
    }

    private String check(int status, String what, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw unexpected(what, response);
        }
        return response.body();
    }

    private static AirflowApiException unexpected(String what, HttpResponse<String> response) {
        if (response.statusCode() >= 500) {
            return new AirflowUnavailableException("Airflow answered " + what + " with HTTP " + response.statusCode() + ": " + response.body());
        }
        return new AirflowApiException("Airflow answered " + what + " with HTTP " + response.statusCode() + ": " + response.body());
    }

    /** One call with the bearer token; logs in first, and again once if the token was refused. */
    private synchronized HttpResponse<String> send(String method, String path, Object body) {
        if (token == null) {
            token = logIn();
        }
        HttpResponse<String> response = call(method, path, body, token);
        if (response.statusCode() == 401) {
            token = logIn();
            response = call(method, path, body, token);
        }
        return response;
    }

    private String logIn() {
        HttpResponse<String> response = call("POST", "/auth/token",
                Map.of("username", login.username(), "password", login.password()), null);
        if (response.statusCode() >= 500) {
            throw unexpected("POST /auth/token", response);
        }
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw new AirflowApiException("Airflow refused the login of " + login.username() + " at " + baseUrl
                    + "/auth/token with HTTP " + response.statusCode() + ": " + response.body());
        }
        String accessToken = parse(response.body()).path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new AirflowApiException("Airflow's /auth/token answer has no access_token: " + response.body());
        }
        return accessToken;
    }

    private HttpResponse<String> call(String method, String path, Object body, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AirflowUnavailableException("Airflow at " + baseUrl + " did not answer " + method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AirflowApiException("Interrupted while calling Airflow", e);
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AirflowApiException("Airflow answered something that is not JSON: " + body, e);
        }
    }

    private static String runPath(String dagId, String dagRunId) {
        return "/api/v2/dags/" + encode(dagId) + "/dagRuns/" + encode(dagRunId);
    }

    /** Run ids contain ':' and '+' (manual__2026-01-01T00:00:00+00:00), which must be escaped in a path. */
    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AirflowApiException("Interrupted while waiting for Airflow", e);
        }
    }
}
