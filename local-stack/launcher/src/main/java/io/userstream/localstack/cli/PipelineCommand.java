package io.userstream.localstack.cli;

import io.userstream.localstack.AirflowLogin;
import io.userstream.localstack.Distributions;
import io.userstream.localstack.ApiLogins;
import io.userstream.localstack.CassandraLogins;
import io.userstream.localstack.KafkaLogins;
import io.userstream.localstack.PostgresLogins;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.LocalStackException;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerId;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.Supervisor;
import io.userstream.localstack.airflow.AirflowApiException;
import io.userstream.localstack.airflow.RunProgress;
import io.userstream.localstack.airflow.TaskInstance;
import io.userstream.localstack.airflow.UserAutomation;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * The {@code ./pipeline} command: {@code up}, {@code ingest}, {@code status}, {@code logs} and
 * {@code down} for the whole pipeline on this machine. State (data, logs, PIDs, chosen ports) lives
 * in {@code .local-stack/} at the repository root.
 */
public final class PipelineCommand {

    private static final String USAGE = """
            usage: ./pipeline <command>
              up [--count N] [--source faker|randomuser] [--seed S] [--no-run] [--nodes N]
                              start Kafka, the schema registry, Cassandra, PostgreSQL, ingest-service, stream-processor,
                              user-store-service, the console and Airflow on 127.0.0.1 (they keep running), then run the user_automation
                              DAG once (1,000 faker users unless told otherwise; --no-run skips it) and print what it stored;
                              --nodes 3: three Kafka brokers and Cassandra nodes (127.0.0.1-3), every topic, keyspace and role
                              3 times, two instances of ingest-service, stream-processor and user-store-service (a new state
                              folder keeps its number of nodes)
              ingest [--count N] [--source faker|randomuser] [--seed S]
                              run the user_automation DAG on the running stack and print the same summary
              status          each process's PID, port and health: UP, DOWN or not running (exit code 1 unless all are UP)
              logs <name>     the last 100 lines of a log: %s, supervisor (node or instance n of a cluster: <name>-n, e.g. kafka-2)
              stop <name>     stop one server on purpose (the supervisor leaves it stopped), e.g. to rehearse an outage
              start <name>    start it again (what it needs must be running)
              down            stop everything 'up' started
            'up' also starts a supervisor that starts a crashed server again (kill -9, out of memory), as Docker
            Compose's restart policy does; its log: ./pipeline logs supervisor
            state folder: PIPELINE_STATE_DIR (default .local-stack/)
            ports: %s
            """.formatted(String.join(", ", Arrays.stream(ServerKind.values()).map(ServerKind::displayName).toList()),
            String.join(", ", Ports.defaults().asEnvironment().keySet().stream().sorted().toList()));

    private final Path stateDir;
    private final long began = System.nanoTime();

    private PipelineCommand(Path stateDir) {
        this.stateDir = stateDir;
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.print(USAGE);
            System.exit(2);
        }
        String stateDir = System.getenv("PIPELINE_STATE_DIR");
        PipelineCommand command = new PipelineCommand(stateDir != null && !stateDir.isBlank()
                ? Path.of(stateDir).toAbsolutePath()
                : Distributions.locate().repositoryRoot().resolve(".local-stack"));
        List<String> options = List.of(args).subList(1, args.length);
        try {
            int exit = switch (args[0]) {
                case "up" -> command.up(RunOptions.parse(options, true));
                case "ingest" -> command.ingest(RunOptions.parse(options, false));
                case "down" -> command.down();
                case "status" -> command.status();
                case "logs" -> command.logs(options);
                case "stop" -> command.stopOne(options);
                case "start" -> command.startOne(options);
                case "supervise" -> command.supervise();
                default -> {
                    System.err.print(USAGE);
                    yield 2;
                }
            };
            System.exit(exit);
        } catch (LocalStackException | AirflowApiException | IllegalArgumentException | IOException e) {
            System.err.println("pipeline " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private int up(RunOptions options) throws IOException {
        Ports ports = ports(true);
        // Not closed: a detached stack's servers keep running until ./pipeline down.
        LocalStack stack = LocalStack.detached(stateDir, ports, options.nodes().orElse(null), this::progress);
        System.out.println("Starting Kafka, schema registry, Cassandra, PostgreSQL, ingest-service, stream-processor,"
                + " user-store-service, the console and Airflow (state in " + stateDir + ")"
                + (stack.topology().isCluster() ? " on " + stack.topology().nodes() + " nodes" : "") + " ...");
        stack.start(EnumSet.allOf(ServerKind.class));
        ProcessHandle supervisor = new SupervisorProcess(stateDir).ensureRunning();
        System.out.printf("All servers and services up in %.1f s; a supervisor (pid %d) starts any that crashes again."
                + " Airflow UI: %s (login %s)  Console: %s%n", seconds(), supervisor.pid(), stack.airflowUrl(), login(stack),
                stack.consoleUrl());
        System.out.printf("API and console logins (HTTP Basic): %s (reads), %s (also starts runs, handles dead letters);"
                + " kept in %s%n", stack.apiLogins().reader(), stack.apiLogins().operator(), stateDir.resolve(ApiLogins.FILE));
        int exit = 0;
        if (options.run()) {
            exit = runDag(stack, options);
        }
        printAddresses(stack);
        System.out.println("Everything keeps running: ./pipeline status, ./pipeline logs <name>, ./pipeline ingest --count N, ./pipeline down.");
        return exit;
    }

    private int ingest(RunOptions options) throws IOException {
        LocalStack stack = LocalStack.detached(stateDir, ports(false), line -> { });
        // Only Airflow is checked here: the DAG's first task checks the services and its failure names them.
        if (!stack.isHealthy(ServerKind.AIRFLOW)) {
            throw new IllegalArgumentException("Airflow is " + (stack.isRunning(ServerKind.AIRFLOW) ? "not answering" : "not running")
                    + " (state in " + stateDir + "); start everything with ./pipeline up --no-run");
        }
        return runDag(stack, options);
    }

    /** Triggers user_automation, shows its tasks as they progress and prints what it stored. Exit code 1 if it failed. */
    private int runDag(LocalStack stack, RunOptions options) {
        UserAutomation.Request request = options.request();
        System.out.printf("Running DAG %s with count=%d source=%s seed=%s ...%n",
                UserAutomation.DAG_ID, request.count(), request.source(), request.seed());
        UserAutomation automation = new UserAutomation(stack);
        // Generous: randomuser.me allows about 66 users/s; the DAG itself fails a run that stalls.
        Duration timeout = Duration.ofMinutes(15).plusSeconds(request.count() / 50);
        UserAutomation.Result result = automation.run(request, timeout, new RunProgress() {
            @Override
            public void taskChanged(TaskInstance task) {
                taskProgress(task);
            }

            @Override
            public void airflowUnavailable(String reason) {
                System.out.printf("[%5.1f s]   Airflow does not answer (%s); waiting for it to come back%n", seconds(), reason);
            }

            @Override
            public void airflowBack(Duration down) {
                System.out.printf("[%5.1f s]   Airflow answers again after %.0f s%n", seconds(), down.toMillis() / 1e3);
            }
        });
        String runId = result.dagRun().dagRunId();
        System.out.printf("DAG run %s: %s in %.1f s (ingestion run %s)%n", runId, result.dagRun().state(),
                result.took().toMillis() / 1e3, result.ingestionRunId().map(Object::toString).orElse("not started"));
        System.out.printf("  users: requested=%d published=%s stored=%s dead-lettered=%s%n", request.count(),
                count(result.published()), count(result.stored()),
                result.deadLettered().isPresent() ? count(result.deadLettered()) : "n/a (user-store-service does not report dead letters)");
        System.out.println("  one stored user: " + result.sampleUser().orElse("none yet"));
        if (result.succeeded()) {
            return 0;
        }
        List<TaskInstance> failed = result.failedTasks();
        for (TaskInstance task : failed.stream().filter(t -> "failed".equals(t.state())).toList()) {
            System.out.printf("  FAILED task %s (try %d); the end of its log:%n", task.taskId(), task.tryNumber());
            try {
                automation.logOf(result.dagRun(), task, 15).forEach(line -> System.out.println("    | " + line));
            } catch (AirflowApiException e) {
                System.out.println("    (its log could not be read: " + e.getMessage() + ")");
            }
        }
        List<String> notRun = failed.stream().filter(t -> "upstream_failed".equals(t.state())).map(TaskInstance::taskId).toList();
        if (!notRun.isEmpty()) {
            System.out.println("  not run (upstream failed): " + String.join(", ", notRun));
        }
        System.out.printf("  Airflow UI: %s/dags/%s/runs/%s%n", stack.airflowUrl(), UserAutomation.DAG_ID, runId);
        return 1;
    }

    private void printAddresses(LocalStack stack) {
        Ports ports = stack.ports();
        System.out.println();
        System.out.println("Addresses (all on 127.0.0.1):");
        System.out.printf("  %-20s %s  (login %s)%n", "Airflow UI", stack.airflowUrl(), login(stack));
        System.out.printf("  %-20s %s (reads), %s (also starts runs, handles dead letters)%n", "API logins",
                stack.apiLogins().reader(), stack.apiLogins().operator());
        System.out.printf("  %-20s %s  (live topics, consumer lag, runs, dead letters and re-drive; health %s/actuator/health)%n",
                "Console", stack.consoleUrl(), stack.consoleUrl());
        System.out.printf("  %-20s UI http://127.0.0.1:%d/ui   API %s%n", "Schema registry", ports.registry(), stack.schemaRegistryUrl());
        for (ServerKind service : List.of(ServerKind.INGEST, ServerKind.STORE)) {
            for (ServerId instance : stack.serversOf(service)) {
                String url = stack.serviceUrl(instance);
                System.out.printf("  %-20s OpenAPI UI %s/swagger-ui.html   health %s/actuator/health%n", instance, url, url);
            }
        }
        for (ServerId instance : stack.serversOf(ServerKind.PROCESSOR)) {
            String processor = stack.serviceUrl(instance);
            System.out.printf("  %-20s health %s/actuator/health   metrics %s/actuator/prometheus (no REST API)%n",
                    instance, processor, processor);
        }
        System.out.printf("  %-20s %s (SASL_PLAINTEXT; login %s, each service its own; passwords in %s)%n", "Kafka",
                stack.kafkaBootstrapServers(), stack.kafkaLogins().admin(), stack.stateDir().resolve(KafkaLogins.FILE));
        System.out.printf("  %-20s %s (datacenter %s; login %s, passwords in %s)%n", "Cassandra CQL", stack.cassandraContactPoints(),
                stack.cassandraLocalDatacenter(), stack.cassandraLogins().admin(), stack.stateDir().resolve(CassandraLogins.FILE));
        System.out.printf("  %-20s %s (roles %s, %s, %s; passwords in %s)%n", "PostgreSQL", stack.postgresJdbcUrl(stack.postgresIngestDatabase()),
                stack.postgresLogins().superuser(), stack.postgresLogins().ingest(), stack.postgresLogins().airflow(),
                stack.stateDir().resolve(PostgresLogins.FILE));
    }

    private int down() throws IOException {
        new SupervisorProcess(stateDir).stop();
        LocalStack stack = LocalStack.detached(stateDir, ports(false), System.out::println);
        if (EnumSet.allOf(ServerKind.class).stream().flatMap(kind -> stack.serversOf(kind).stream()).noneMatch(stack::isRunning)) {
            System.out.println("Nothing is running (state in " + stateDir + ").");
            return 0;
        }
        stack.stopAll();
        return 0;
    }

    private int status() throws IOException {
        LocalStack stack = LocalStack.detached(stateDir, ports(false), line -> { });
        boolean allUp = true;
        System.out.printf("%-20s %-8s %-6s %s%n", "NAME", "PID", "PORT", "HEALTH");
        for (ServerKind kind : ServerKind.values()) {
            for (ServerId id : stack.serversOf(kind)) {
                boolean running = stack.isRunning(id);
                boolean healthy = running && stack.isHealthy(id);
                allUp &= healthy;
                String address = stack.addressOf(id);
                System.out.printf("%-20s %-8s %-6s %s%n", id,
                        stack.pid(id).map(String::valueOf).orElse("-"),
                        (address.equals("127.0.0.1") ? "" : address + ":") + stack.portsOf(id)[0],
                        healthy ? "UP" : running ? "DOWN (see ./pipeline logs " + id + ")" : "not running");
            }
        }
        Optional<ProcessHandle> supervisor = new SupervisorProcess(stateDir).running();
        System.out.printf("%-20s %-8s %-6s %s%n", "supervisor", supervisor.map(h -> String.valueOf(h.pid())).orElse("-"), "-",
                supervisor.isPresent() ? "running (restarts crashed servers)" : "not running: crashed servers stay down until ./pipeline up");
        return allUp ? 0 : 1;
    }

    /** Runs until stopped: starts crashed servers again (the background process 'up' starts). */
    private int supervise() throws IOException {
        Consumer<String> log = line -> System.out.printf("%s %s%n", Instant.now(), line);
        new Supervisor(LocalStack.detached(stateDir, ports(false), log), log).runUntilInterrupted();
        return 0;
    }

    private int stopOne(List<String> args) throws IOException {
        LocalStack stack = LocalStack.detached(stateDir, ports(false), System.out::println);
        ServerId id = serverNamed(stack, args);
        if (!stack.isRunning(id)) {
            System.out.println(id + " is not running.");
            return 0;
        }
        stack.stop(id);
        return 0;
    }

    private int startOne(List<String> args) throws IOException {
        LocalStack stack = LocalStack.detached(stateDir, ports(false), this::progress);
        stack.startServers(java.util.Set.of(serverNamed(stack, args)));
        return 0;
    }

    /** kafka, cassandra-3, ingest-service-2: a server of this stack's topology. */
    private static ServerId serverNamed(LocalStack stack, List<String> args) {
        List<ServerId> all = Arrays.stream(ServerKind.values()).flatMap(kind -> stack.serversOf(kind).stream()).toList();
        if (args.size() != 1) {
            throw new IllegalArgumentException("which server? " + String.join(", ", all.stream().map(ServerId::displayName).toList()));
        }
        ServerId id = ServerId.fromDisplayName(args.get(0));
        if (!all.contains(id)) {
            throw new IllegalArgumentException("this stack has no " + id + "; it has " + String.join(", ",
                    all.stream().map(ServerId::displayName).toList()));
        }
        return id;
    }

    private int logs(List<String> args) throws IOException {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("which log? " + String.join(", ",
                    Arrays.stream(ServerKind.values()).map(ServerKind::displayName).toList()));
        }
        Path log;
        if ("supervisor".equals(args.get(0))) {
            log = new SupervisorProcess(stateDir).logFile();
        } else {
            LocalStack stack = LocalStack.detached(stateDir, ports(false), line -> { });
            log = stack.logFile(serverNamed(stack, args.subList(0, 1)));
        }
        if (!Files.exists(log)) {
            System.out.println("No log yet at " + log);
            return 1;
        }
        try (var lines = Files.lines(log)) {
            var all = lines.toList();
            all.subList(Math.max(0, all.size() - 100), all.size()).forEach(System.out::println);
        }
        System.out.println("(" + log + ")");
        return 0;
    }

    private void progress(String line) {
        System.out.printf("[%5.1f s] %s%n", seconds(), line);
    }

    /** Task states worth a line: started, waiting (a sensor between polls), retried and finished. */
    private void taskProgress(TaskInstance task) {
        String what = switch (task.state()) {
            case "running" -> "running";
            case "up_for_reschedule" -> "waiting (polls again)";
            case "up_for_retry" -> "failed try " + task.tryNumber() + ", will retry";
            case "success", "failed", "upstream_failed", "skipped" -> task.state();
            default -> null; // scheduled, queued, ...: too chatty
        };
        if (what != null) {
            System.out.printf("[%5.1f s]   %s: %s%n", seconds(), task.taskId(), what);
        }
    }

    private double seconds() {
        return (System.nanoTime() - began) / 1e9;
    }

    private String login(LocalStack stack) {
        return stack.airflowLogin().map(AirflowLogin::toString)
                .orElse("admin / see " + stateDir.resolve("airflow/simple_auth_manager_passwords.json.generated"));
    }

    private static String count(OptionalLong value) {
        return value.isPresent() ? Long.toString(value.getAsLong()) : "?";
    }

    /** The ports of the running stack if 'up' recorded them, else the environment's or the defaults. */
    private Ports ports(boolean record) throws IOException {
        Path file = stateDir.resolve("ports.properties");
        if (!record && Files.exists(file)) {
            Properties saved = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                saved.load(reader);
            }
            Map<String, String> recorded = new HashMap<>();
            saved.stringPropertyNames().forEach(name -> recorded.put(name, saved.getProperty(name)));
            return Ports.fromEnvironment(recorded);
        }
        Ports ports = Ports.fromEnvironment(System.getenv());
        if (record) {
            Files.createDirectories(stateDir);
            Properties toSave = new Properties();
            toSave.putAll(ports.asEnvironment());
            try (Writer writer = Files.newBufferedWriter(file)) {
                toSave.store(writer, "ports chosen by ./pipeline up");
            }
        }
        return ports;
    }
}
