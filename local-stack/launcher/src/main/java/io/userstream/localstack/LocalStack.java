package io.userstream.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Real Kafka, schema registry, Cassandra, PostgreSQL and Airflow servers on 127.0.0.1, and our four
 * Spring Boot services (ingest-service, stream-processor, user-store-service, console) wired to them; each is
 * its own child process with its data folder and log file under one state folder.
 *
 * <p>Attached stacks (tests) stop everything they started when closed or when the JVM exits.
 * Detached stacks ({@code ./pipeline up}) leave the servers running; a later launcher on the same
 * state folder adopts them through their PID files.
 */
public final class LocalStack implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path stateDir;
    private final Ports ports;
    private final boolean detached;
    private final Consumer<String> progress;
    private final ApiLogins apiLogins;
    private final PostgresLogins postgresLogins;
    private final CassandraLogins cassandraLogins;
    private final KafkaLogins kafkaLogins;
    private final Map<ServerKind, LocalServer> servers = new EnumMap<>(ServerKind.class);
    // Not guarded by the start lock: the shutdown hook must be able to stop servers while a start waits.
    private final Map<ServerKind, ServerProcess> running = new ConcurrentHashMap<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "local-stack-shutdown");
    private boolean hookInstalled;

    LocalStack(Path stateDir, Ports ports, boolean detached, Consumer<String> progress, Distributions distributions) {
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.ports = ports;
        this.detached = detached;
        this.progress = progress;
        this.apiLogins = ApiLogins.of(this.stateDir);
        this.postgresLogins = PostgresLogins.of(this.stateDir);
        this.cassandraLogins = CassandraLogins.of(this.stateDir);
        this.kafkaLogins = KafkaLogins.of(this.stateDir);
        servers.put(ServerKind.KAFKA, new KafkaServer(home(ServerKind.KAFKA), ports, distributions, kafkaLogins));
        servers.put(ServerKind.REGISTRY, new RegistryServer(home(ServerKind.REGISTRY), ports, distributions));
        servers.put(ServerKind.CASSANDRA, new CassandraServer(home(ServerKind.CASSANDRA), ports, distributions, cassandraLogins));
        servers.put(ServerKind.POSTGRES, new PostgresServer(home(ServerKind.POSTGRES), ports, distributions, postgresLogins));
        servers.put(ServerKind.AIRFLOW, new AirflowServer(home(ServerKind.AIRFLOW), ports, distributions, apiLogins.operator(),
                postgresLogins.airflow()));
        for (ServerKind service : ServerKind.services()) {
            Set<ServerKind> requirements = SpringBootService.requirementsOf(service);
            Map<String, String> properties = springProperties(requirements);
            properties.putAll(SpringBootService.httpEndpointsOf(service, ports));
            // Secrets through the environment (only the owner can read it), never the command line (everyone can).
            Map<String, String> environment = new LinkedHashMap<>(SpringBootService.secretsOf(service, apiLogins, cassandraLogins));
            environment.putAll(SpringBootService.environmentVariables(springCredentials(requirements)));
            // Its own Kafka principal, allowed only its topics, groups and transactions.
            environment.putAll(SpringBootService.environmentVariables(kafkaLogins.service(service).springProperties()));
            servers.put(service, new SpringBootService(service, home(service), ports.clientPort(service), distributions, properties,
                    environment));
        }
        for (LocalServer server : servers.values()) {
            ServerProcess.adopt(server).ifPresent(process -> running.put(server.kind(), process));
        }
    }

    /** A stack whose servers stop with this object or with the JVM: for tests. */
    public static LocalStack attached(Path stateDir, Ports ports, Consumer<String> progress) {
        LocalStack stack = new LocalStack(stateDir, ports, false, progress, Distributions.locate());
        stack.installShutdownHook();
        return stack;
    }

    /** A stack whose servers keep running after this JVM exits: for {@code ./pipeline up}. */
    public static LocalStack detached(Path stateDir, Ports ports, Consumer<String> progress) {
        return new LocalStack(stateDir, ports, true, progress, Distributions.locate());
    }

    /**
     * Starts the given servers that are not running yet, in parallel, each as soon as the servers it
     * requires answer, and returns when each answers a real request (a service: Actuator health UP).
     * Missing files, busy ports and missing requirements are refused before anything starts. If one
     * fails, the ones this call started are stopped again.
     */
    public synchronized LocalStack start(Set<ServerKind> kinds) {
        try (StateLock ignored = StateLock.acquire(stateDir)) {
            return startLocked(kinds);
        }
    }

    private LocalStack startLocked(Set<ServerKind> kinds) {
        adoptFromPidFiles();
        for (ServerKind kind : kinds.stream().sorted().toList()) {
            ServerProcess process = running.get(kind);
            if (process == null || !process.isAlive() || servers.get(kind).answers()) {
                continue;
            }
            progress.accept(kind.displayName() + " (pid " + process.pid() + ") is running but does not answer;"
                    + " waiting for it to answer or exit");
            if (!process.awaitAnswerOrExit(servers.get(kind).readyTimeout())) {
                progress.accept(kind.displayName() + " (pid " + process.pid() + ") was stopping; starting it again");
                running.remove(kind, process);
            }
        }
        List<LocalServer> toStart = kinds.stream()
                .sorted()
                .filter(kind -> !isRunning(kind))
                .map(servers::get)
                .toList();
        if (toStart.isEmpty()) {
            return this;
        }
        Set<ServerKind> starting = toStart.stream().map(LocalServer::kind).collect(Collectors.toSet());
        for (LocalServer server : toStart) {
            for (ServerKind requirement : server.requires()) {
                if (!starting.contains(requirement) && !isRunning(requirement)) {
                    throw new IllegalArgumentException(server.kind().displayName() + " needs "
                            + requirement.displayName() + " running; start them together");
                }
            }
            server.requireInstalled();
            for (int port : ports.boundBy(server.kind())) {
                Ports.requireFree(server.kind(), port);
            }
        }
        boolean hookForStartOnly = detached && !hookInstalled;
        if (hookForStartOnly) {
            installShutdownHook(); // Ctrl-C while starting must not leave half a stack behind
        }
        ExecutorService pool = Executors.newFixedThreadPool(toStart.size());
        try {
            // Each server starts as soon as the servers it requires answer (ServerKind lists requirements first).
            Map<ServerKind, CompletableFuture<ServerProcess>> starts = new EnumMap<>(ServerKind.class);
            for (LocalServer server : toStart) {
                List<CompletableFuture<ServerProcess>> required = new ArrayList<>();
                for (ServerKind requirement : server.requires()) {
                    if (starts.containsKey(requirement)) {
                        required.add(starts.get(requirement));
                    }
                }
                starts.put(server.kind(), CompletableFuture.allOf(required.toArray(CompletableFuture[]::new))
                        .thenApplyAsync(ignored -> startOne(server), pool));
            }
            List<RuntimeException> failures = new ArrayList<>();
            for (CompletableFuture<ServerProcess> start : starts.values()) {
                try {
                    start.join();
                } catch (CompletionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    if (!failures.contains(cause)) { // a dependent fails with its requirement's exception
                        failures.add(cause);
                    }
                }
            }
            if (!failures.isEmpty()) {
                stopAll(toStart.stream().map(LocalServer::kind).toList());
                RuntimeException first = failures.get(0);
                failures.stream().skip(1).forEach(first::addSuppressed);
                throw first;
            }
        } finally {
            pool.shutdownNow();
            if (hookForStartOnly) {
                removeShutdownHook();
            }
        }
        return this;
    }

    /**
     * Servers that should be running and are not: their PID file is there, the process is gone and no stop
     * was asked for (killed, crashed, out of memory). Reads the PID files again, so servers started or stopped
     * by another launcher on the same state folder count too.
     */
    public synchronized Set<ServerKind> crashed() {
        adoptFromPidFiles();
        Set<ServerKind> crashed = EnumSet.noneOf(ServerKind.class);
        for (LocalServer server : servers.values()) {
            if (!isRunning(server.kind()) && ServerProcess.crashed(server)) {
                crashed.add(server.kind());
            }
        }
        return crashed;
    }

    /** The servers that {@code kind} needs running before it starts. */
    public Set<ServerKind> requirementsOf(ServerKind kind) {
        return servers.get(kind).requires();
    }

    /** Brings {@link #running} in line with the PID files: another launcher may have started or stopped servers. */
    private void adoptFromPidFiles() {
        for (LocalServer server : servers.values()) {
            ServerProcess known = running.get(server.kind());
            if (known != null && known.isAlive()) {
                continue;
            }
            ServerProcess.adopt(server).ifPresentOrElse(process -> running.put(server.kind(), process),
                    () -> running.remove(server.kind()));
        }
    }

    /**
     * Further Spring Boot properties for {@code service} when this stack starts it, above its own
     * application.yml, e.g. a local stand-in's URL for randomuser.me.
     */
    public synchronized LocalStack withServiceProperties(ServerKind service, Map<String, String> properties) {
        if (!(servers.get(service) instanceof SpringBootService current)) {
            throw new IllegalArgumentException(service.displayName() + " is not a Spring Boot service");
        }
        Map<String, String> merged = new LinkedHashMap<>(current.springProperties());
        merged.putAll(properties);
        servers.put(service, new SpringBootService(service, current.home(), current.clientPort(), current.distributions(), merged,
                current.environment()));
        return this;
    }

    public LocalStack start(ServerKind first, ServerKind... more) {
        return start(EnumSet.of(first, more));
    }

    /** Stops one server (gracefully, then by force); its data stays for the next start. */
    public void stop(ServerKind kind) {
        current(kind); // the process started last, by whichever launcher
        ServerProcess process = running.remove(kind);
        if (process != null) {
            process.stop(STOP_GRACE);
            progress.accept(kind.displayName() + " stopped (pid " + process.pid() + ")");
        }
    }

    /** Stops every server this stack runs: in parallel, but a server before the ones it requires. */
    public void stopAll() {
        stopAll(List.copyOf(running.keySet()));
    }

    private void stopAll(List<ServerKind> kinds) {
        List<ServerKind> remaining = new ArrayList<>(kinds);
        while (!remaining.isEmpty()) {
            List<ServerKind> unneeded = remaining.stream()
                    .filter(kind -> remaining.stream().noneMatch(other -> servers.get(other).requires().contains(kind)))
                    .toList();
            remaining.removeAll(unneeded);
            List<Thread> stoppers = new ArrayList<>();
            for (ServerKind kind : unneeded) {
                Thread stopper = new Thread(() -> stop(kind), "stop-" + kind.displayName());
                stopper.start();
                stoppers.add(stopper);
            }
            for (Thread stopper : stoppers) {
                try {
                    stopper.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        if (hookInstalled) {
            removeShutdownHook();
        }
    }

    public boolean isRunning(ServerKind kind) {
        return current(kind).isPresent();
    }

    /** PID of a running server. */
    public Optional<Long> pid(ServerKind kind) {
        return current(kind).map(ServerProcess::pid);
    }

    /**
     * The live process of {@code kind}: the one this launcher knows, else the one its PID file names, since
     * another launcher on the same state folder (the supervisor process of {@code ./pipeline up}) may have
     * started it again after a crash.
     */
    private Optional<ServerProcess> current(ServerKind kind) {
        ServerProcess known = running.get(kind);
        if (known != null && known.isAlive()) {
            return Optional.of(known);
        }
        Optional<ServerProcess> adopted = ServerProcess.adopt(servers.get(kind));
        if (adopted.isPresent()) {
            running.put(kind, adopted.get());
        } else if (known != null) {
            running.remove(kind, known);
        }
        return adopted;
    }

    /** A fresh protocol round trip (the same check used at start-up). */
    public boolean isHealthy(ServerKind kind) {
        return isRunning(kind) && servers.get(kind).answers();
    }

    public Path logFile(ServerKind kind) {
        return servers.get(kind).logFile();
    }

    public Path stateDir() {
        return stateDir;
    }

    public Ports ports() {
        return ports;
    }

    public String kafkaBootstrapServers() {
        return ((KafkaServer) servers.get(ServerKind.KAFKA)).bootstrapServers();
    }

    /**
     * What a Kafka client of a test or tool needs for this broker: {@code bootstrap.servers} and the super user's
     * login ({@link KafkaLogin#clientProperties()}); add the client's own settings to a copy.
     */
    public Map<String, Object> kafkaClientProperties() {
        return kafkaClientProperties(kafkaLogins.admin());
    }

    /** {@code bootstrap.servers} and the given principal's login. */
    public Map<String, Object> kafkaClientProperties(KafkaLogin login) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("bootstrap.servers", kafkaBootstrapServers());
        properties.putAll(login.clientProperties());
        return properties;
    }

    /**
     * The Kafka principals of this stack ({@code admin}, the super user, and one per service), generated by the first
     * start of this state folder and kept in {@code <state>/kafka-logins.properties}.
     */
    public KafkaLogins kafkaLogins() {
        return kafkaLogins;
    }

    /** Base URL of the Confluent-compatible Schema Registry API, the value for {@code schema.registry.url}. */
    public String schemaRegistryUrl() {
        return ((RegistryServer) servers.get(ServerKind.REGISTRY)).confluentApiUrl();
    }

    /** {@code 127.0.0.1:<port>}, the form of {@code spring.cassandra.contact-points}. */
    public String cassandraContactPoint() {
        return "127.0.0.1:" + ports.cassandra();
    }

    /**
     * The Cassandra roles of this stack ({@code userstream_admin}, the superuser; {@code user_store},
     * user-store-service's), generated by the first start of this state folder; a CqlSession of a test or tool
     * needs one: {@code .withAuthCredentials(login.username(), login.password())}.
     */
    public CassandraLogins cassandraLogins() {
        return cassandraLogins;
    }

    public String cassandraLocalDatacenter() {
        return CassandraServer.LOCAL_DATACENTER;
    }

    /**
     * JDBC URL of a database on the local PostgreSQL: {@code ingest} (ingest-service's, {@link #postgresIngestDatabase()}),
     * {@code airflow} or {@code postgres}. Every connection needs a login of {@link #postgresLogins()}.
     */
    public String postgresJdbcUrl(String database) {
        return ((PostgresServer) servers.get(ServerKind.POSTGRES)).jdbcUrl(database);
    }

    /** The database ingest-service keeps its ledger in, as its role {@code ingest}. */
    public String postgresIngestDatabase() {
        return PostgresServer.INGEST_DATABASE;
    }

    /**
     * The PostgreSQL logins (superuser, ingest, airflow), generated by the first start of this state folder and kept
     * in {@code <state>/postgres-logins.properties}; the services get only their own, through their environment.
     */
    public PostgresLogins postgresLogins() {
        return postgresLogins;
    }

    /** The Airflow UI and REST API. */
    public String airflowUrl() {
        return "http://127.0.0.1:" + ports.airflow();
    }

    /** The Airflow UI's and REST API's admin login (user and generated password), once Airflow has started. */
    public Optional<AirflowLogin> airflowLogin() {
        return ((AirflowServer) servers.get(ServerKind.AIRFLOW)).login();
    }

    /**
     * The HTTP Basic logins of the services' APIs (reader, operator), generated by the first start of this
     * state folder; {@code ./pipeline up} prints them.
     */
    public ApiLogins apiLogins() {
        return apiLogins;
    }

    /** Base URL ({@code http://127.0.0.1:<port>}) of a service's REST API and Actuator. */
    public String serviceUrl(ServerKind service) {
        if (!(servers.get(service) instanceof SpringBootService springBootService)) {
            throw new IllegalArgumentException(service.displayName() + " is not one of our services");
        }
        return springBootService.baseUrl();
    }

    /** ingest-service's base URL: {@code POST /api/v1/ingestions}, Actuator, OpenAPI. */
    public String ingestServiceUrl() {
        return serviceUrl(ServerKind.INGEST);
    }

    /** user-store-service's base URL: {@code GET /api/v1/users}, deliveries, stats, Actuator, OpenAPI. */
    public String userStoreServiceUrl() {
        return serviceUrl(ServerKind.STORE);
    }

    /** stream-processor's base URL: Actuator only (it has no REST API). */
    public String streamProcessorUrl() {
        return serviceUrl(ServerKind.PROCESSOR);
    }

    /** The console's base URL: its page, {@code /api/v1/...} (live topics, runs, dead letters, re-drive) and Actuator. */
    public String consoleUrl() {
        return serviceUrl(ServerKind.CONSOLE);
    }

    /** The server of {@code kind} as this stack runs it (its command, properties, log): for tests in this package. */
    LocalServer server(ServerKind kind) {
        return servers.get(kind);
    }

    /**
     * Spring Boot properties that point an application at these servers of this stack:
     * {@code spring.kafka.bootstrap-servers}, {@code spring.kafka.properties.schema.registry.url},
     * {@code spring.cassandra.contact-points} and {@code .local-datacenter}, {@code spring.datasource.url}
     * (ingest-service's database). Kinds without such properties are ignored. No secrets: the logins that go with
     * them are {@link #springCredentials}. The services started here get exactly these for their requirements, on
     * their command line.
     */
    public Map<String, String> springProperties(Set<ServerKind> kinds) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (kinds.contains(ServerKind.KAFKA)) {
            properties.put("spring.kafka.bootstrap-servers", kafkaBootstrapServers());
        }
        if (kinds.contains(ServerKind.REGISTRY)) {
            // Read by every Kafka client's serde, ours and Confluent's alike.
            properties.put("spring.kafka.properties.schema.registry.url", schemaRegistryUrl());
        }
        if (kinds.contains(ServerKind.CASSANDRA)) {
            properties.put("spring.cassandra.contact-points", cassandraContactPoint());
            properties.put("spring.cassandra.local-datacenter", cassandraLocalDatacenter());
        }
        if (kinds.contains(ServerKind.POSTGRES)) {
            properties.put("spring.datasource.url", postgresJdbcUrl(postgresIngestDatabase()));
        }
        return properties;
    }

    /**
     * The logins that go with {@link #springProperties}: for PostgreSQL, {@code spring.datasource.username} and
     * {@code .password} of ingest-service's role (never the superuser). The services started here get them through
     * their environment ({@code SPRING_DATASOURCE_USERNAME}, {@code _PASSWORD}), a Spring test as properties.
     */
    public Map<String, String> springCredentials(Set<ServerKind> kinds) {
        Map<String, String> credentials = new LinkedHashMap<>();
        if (kinds.contains(ServerKind.POSTGRES)) {
            credentials.put("spring.datasource.username", postgresLogins.ingest().username());
            credentials.put("spring.datasource.password", postgresLogins.ingest().password());
        }
        return credentials;
    }

    private ServerProcess startOne(LocalServer server) {
        long began = System.nanoTime();
        try {
            Files.createDirectories(server.home());
            server.prepare();
        } catch (IOException e) {
            throw new ServerStartException(server.kind(), "preparing " + server.home() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerStartException(server.kind(), "interrupted while preparing", e);
        }
        ServerProcess process = ServerProcess.start(server, detached);
        running.put(server.kind(), process);
        process.awaitReady(server.readyTimeout());
        server.afterReady();
        progress.accept("%s ready on 127.0.0.1:%d in %.1f s (pid %d, log %s)".formatted(
                server.kind().displayName(), ports.clientPort(server.kind()),
                (System.nanoTime() - began) / 1e9, process.pid(), server.logFile()));
        return process;
    }

    private Path home(ServerKind kind) {
        return stateDir.resolve(kind.displayName());
    }

    private void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        hookInstalled = true;
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to: nothing to undo
        }
        hookInstalled = false;
    }
}
