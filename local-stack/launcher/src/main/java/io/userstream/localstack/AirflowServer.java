package io.userstream.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Airflow 3 from the project's virtualenv as {@code airflow/local-airflow.sh}: the metadata database
 * migrated, then api-server (with the UI), scheduler and dag-processor; no triggerer, which
 * user_automation does not use. It runs with the local PostgreSQL as its metadata database and
 * {@code airflow/dags} as its DAG folder. The DAG reaches our services through the Connections
 * {@code ingest_api} and {@code user_store_api}, set here by environment from the stack's ports
 * (or {@code INGEST_API_URL} / {@code USER_STORE_API_URL} for services running elsewhere).
 *
 * @param servicesLogin the API login the DAG calls the services with (operator)
 * @param databaseLogin Airflow's own PostgreSQL role, the owner of its metadata database (which
 *                      {@link PostgresServer#afterReady()} creates); never the superuser
 */
record AirflowServer(Path home, Ports ports, Distributions distributions, ApiLogin servicesLogin, PostgresLogin databaseLogin)
        implements LocalServer {

    static final String DATABASE = PostgresServer.AIRFLOW_DATABASE;
    static final String ADMIN_USER = "admin";
    private static final Pattern PASSWORD = Pattern.compile("\"" + ADMIN_USER + "\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A first start migrates the metadata database; on a loaded 2-core machine all of it took over 2 minutes. */
    @Override
    public Duration readyTimeout() {
        return Duration.ofSeconds(300);
    }

    @Override
    public int clientPort() {
        return ports.airflow();
    }

    @Override
    public ServerKind kind() {
        return ServerKind.AIRFLOW;
    }

    @Override
    public Set<ServerKind> requires() {
        return Set.of(ServerKind.POSTGRES);
    }

    @Override
    public void prepare() throws IOException, InterruptedException {
        Files.createDirectories(home);
        Process venv = new ProcessBuilder(airflowDir().resolve("venv.sh").toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!venv.waitFor(20, TimeUnit.MINUTES) || venv.exitValue() != 0) {
            venv.destroyForcibly();
            throw new ServerStartException(kind(), "preparing the virtualenv (airflow/venv.sh) failed", logFile(), ServerProcess.tail(logFile()));
        }
    }

    @Override
    public List<String> command() {
        return List.of(airflowDir().resolve("local-airflow.sh").toString());
    }

    @Override
    public Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        // The components start their task workers and log servers as `airflow ...` found on PATH.
        env.put("PATH", airflowDir().resolve(".venv/bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("AIRFLOW_HOME", home.toString());
        // Its own role and password (URL-safe characters: no escaping), in the environment like every secret here.
        env.put("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "postgresql+psycopg2://" + databaseLogin.username() + ":"
                + databaseLogin.password() + "@127.0.0.1:" + ports.postgres() + "/" + DATABASE);
        env.put("AIRFLOW__CORE__DAGS_FOLDER", airflowDir().resolve("dags").toString());
        env.put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
        env.put("AIRFLOW__CORE__EXECUTOR", "LocalExecutor");
        // Airflow 3's default, set so a user's environment cannot swap it: login() reads its generated password file.
        env.put("AIRFLOW__CORE__AUTH_MANAGER", "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager");
        // The LocalExecutor keeps one worker process per slot (default 32, ~150 MB RSS each); user_automation runs
        // one task at a time (one active run, a chain of tasks, sensors in reschedule mode that free their slot).
        env.put("AIRFLOW__CORE__PARALLELISM", System.getenv().getOrDefault("AIRFLOW__CORE__PARALLELISM", "1"));
        env.put("AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", ADMIN_USER + ":admin");
        env.put("AIRFLOW__API__HOST", "127.0.0.1");
        env.put("AIRFLOW__API__PORT", Integer.toString(ports.airflow()));
        env.put("AIRFLOW__API__BASE_URL", "http://127.0.0.1:" + ports.airflow());
        env.put("AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "http://127.0.0.1:" + ports.airflow() + "/execution/");
        env.put("AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT", Integer.toString(ports.airflowWorkerLogs()));
        // The DAG calls the services as operator (it starts and resumes runs); the login rides in the connection's
        // URI, from which Airflow's HttpHook sends HTTP Basic. A URL given by the environment is taken as it is.
        String userInfo = servicesLogin.username() + ":" + servicesLogin.password() + "@";
        env.put("AIRFLOW_CONN_INGEST_API", System.getenv().getOrDefault("INGEST_API_URL", "http://" + userInfo + "127.0.0.1:" + ports.ingest()));
        env.put("AIRFLOW_CONN_USER_STORE_API", System.getenv().getOrDefault("USER_STORE_API_URL", "http://" + userInfo + "127.0.0.1:" + ports.store()));
        // Runs only when triggered (./pipeline up/ingest, the UI): unpausing user_automation would otherwise start
        // its @daily run at once, with the default params (1,000 randomuser.me users), ahead of the triggered run.
        env.put("AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE", System.getenv().getOrDefault("AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE", "False"));
        return env;
    }

    /** Ready when the API answers and reports its scheduler and dag-processor healthy (user_automation then gets parsed). */
    @Override
    public boolean answers() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.airflow() + "/api/v2/monitor/health"))
                .timeout(Duration.ofSeconds(3))
                .GET()
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            String health = response.body().replace(" ", "");
            return response.statusCode() == 200
                    && health.contains("\"scheduler\":{\"status\":\"healthy\"")
                    && health.contains("\"dag_processor\":{\"status\":\"healthy\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Airflow's simple auth manager generates the admin password on first start. */
    Optional<AirflowLogin> login() {
        Path passwords = home.resolve("simple_auth_manager_passwords.json.generated");
        try {
            Matcher matcher = PASSWORD.matcher(Files.readString(passwords));
            return matcher.find() ? Optional.of(new AirflowLogin(ADMIN_USER, matcher.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Path airflowDir() {
        return distributions.repositoryRoot().resolve("airflow");
    }
}
