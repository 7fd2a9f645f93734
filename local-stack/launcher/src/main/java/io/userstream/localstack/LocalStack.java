package io.userstream.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
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
 * its own child process with its data folder and log file under one state folder. One of each, or a cluster
 * ({@link Topology}): n Kafka brokers and Cassandra nodes, two instances of the services that scale.
 *
 * <p>Methods that take a {@link ServerKind} mean every server of that kind (start, stop, running, healthy) or, where
 * one answer is asked for (pid, log, URL), the first; those that take a {@link ServerId} mean that one server.
 *
 * <p>Attached stacks (tests) stop everything they started when closed or when the JVM exits.
 * Detached stacks ({@code ./pipeline up}) leave the servers running; a later launcher on the same
 * state folder adopts them through their PID files.
 */
public final class LocalStack implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Path stateDir;
    private final Ports ports;
    private final Topology topology;
    private final boolean detached;
    private final Consumer<String> progress;
    private final ApiLogins apiLogins;
    private final PostgresLogins postgresLogins;
    private final CassandraLogins cassandraLogins;
    private final KafkaLogins kafkaLogins;
    private final Map<ServerId, LocalServer> servers = new ConcurrentSkipListMap<>();
    // Not guarded by the start lock: the shutdown hook must be able to stop servers while a start waits.
    private final Map<ServerId, ServerProcess> running = new ConcurrentHashMap<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "local-stack-shutdown");
    private boolean hookInstalled;

    LocalStack(Path stateDir, Ports ports, Topology topology, boolean detached, Consumer<String> progress, Distributions distributions) {
        this.stateDir = stateDir.toAbsolutePath().normalize();
        this.ports = ports;
        this.topology = Topology.of(this.stateDir, topology);
        this.detached = detached;
        this.progress = progress;
        this.apiLogins = ApiLogins.of(this.stateDir);
        this.postgresLogins = PostgresLogins.of(this.stateDir);
        this.cassandraLogins = CassandraLogins.of(this.stateDir);
        this.kafkaLogins = KafkaLogins.of(this.stateDir);
        for (ServerId broker : this.topology.servers(ServerKind.KAFKA)) {
            add(new KafkaServer(home(broker), ports, distributions, kafkaLogins, broker.number(), this.topology));
        }
        add(new RegistryServer(home(ServerId.first(ServerKind.REGISTRY)), ports, distributions));
        for (ServerId node : this.topology.servers(ServerKind.CASSANDRA)) {
            add(new CassandraServer(home(node), ports, distributions, cassandraLogins, node.number(), this.topology));
        }
        add(new PostgresServer(home(ServerId.first(ServerKind.POSTGRES)), ports, distributions, postgresLogins));
        add(new AirflowServer(home(ServerId.first(ServerKind.AIRFLOW)), ports, distributions, apiLogins.operator(),
                postgresLogins.airflow()));
        for (ServerKind service : ServerKind.services()) {
            Set<ServerKind> requirements = SpringBootService.requirementsOf(service);
            Map<String, String> properties = springProperties(requirements);
            properties.putAll(SpringBootService.httpEndpointsOf(service, ports));
            if (service == ServerKind.PROCESSOR && this.topology.instances(service) > 1) {
                // A warm copy of every state store on the other instance: a lost instance's tasks resume without a restore.
                properties.put("spring.kafka.streams.properties.num.standby.replicas", "1");
            }
            // Secrets through the environment (only the owner can read it), never the command line (everyone can).
            Map<String, String> environment = new LinkedHashMap<>(SpringBootService.secretsOf(service, apiLogins, cassandraLogins));
            environment.putAll(SpringBootService.environmentVariables(springCredentials(requirements)));
            // Its own Kafka principal, allowed only its topics, groups and transactions.
            environment.putAll(SpringBootService.environmentVariables(kafkaLogins.service(service).springProperties()));
            for (ServerId instance : this.topology.servers(service)) {
                add(new SpringBootService(instance, home(instance), ports.forNumber(instance.number()).clientPort(service), distributions,
                        properties, environment));
            }
        }
        for (LocalServer server : servers.values()) {
            ServerProcess.adopt(server).ifPresent(process -> running.put(server.id(), process));
        }
    }

    private void add(LocalServer server) {
        servers.put(server.id(), server);
    }

    /** A stack of one server of each kind whose servers stop with this object or with the JVM: for tests. */
    public static LocalStack attached(Path stateDir, Ports ports, Consumer<String> progress) {
        return attached(stateDir, ports, Topology.single(), progress);
    }

    /** The same with the given topology (a new state folder records it; one made with another is refused). */
    public static LocalStack attached(Path stateDir, Ports ports, Topology topology, Consumer<String> progress) {
        LocalStack stack = new LocalStack(stateDir, ports, topology, false, progress, Distributions.locate());
        stack.installShutdownHook();
        return stack;
    }

    /** A stack whose servers keep running after this JVM exits, with the topology its state folder was made with. */
    public static LocalStack detached(Path stateDir, Ports ports, Consumer<String> progress) {
        return new LocalStack(stateDir, ports, null, true, progress, Distributions.locate());
    }

    /** The same for {@code ./pipeline up --nodes n}: a new state folder records the topology; one made with another is refused. */
    public static LocalStack detached(Path stateDir, Ports ports, Topology topology, Consumer<String> progress) {
        return new LocalStack(stateDir, ports, topology, true, progress, Distributions.locate());
    }

    /**
     * Starts the given servers that are not running yet, in parallel, each as soon as the servers it
     * requires answer, and returns when each answers a real request (a service: Actuator health UP).
     * Missing files, busy ports and missing requirements are refused before anything starts. If one
     * fails, the ones this call started are stopped again.
     */
    public synchronized LocalStack start(Set<ServerKind> kinds) {
        return startServers(kinds.stream().flatMap(kind -> serversOf(kind).stream()).collect(Collectors.toSet()));
    }

    /** {@link #start(Set)} for single servers: a restarted broker, node or instance. */
    public synchronized LocalStack startServers(Set<ServerId> ids) {
        try (StateLock ignored = StateLock.acquire(stateDir)) {
            return startLocked(ids);
        }
    }

    private LocalStack startLocked(Set<ServerId> ids) {
        adoptFromPidFiles();
        for (ServerId id : new TreeSet<>(ids)) {
            ServerProcess process = running.get(id);
            if (process == null || !process.isAlive() || servers.get(id).answers()) {
                continue;
            }
            progress.accept(id + " (pid " + process.pid() + ") is running but does not answer;"
                    + " waiting for it to answer or exit");
            if (!process.awaitAnswerOrExit(servers.get(id).readyTimeout())) {
                progress.accept(id + " (pid " + process.pid() + ") was stopping; starting it again");
                running.remove(id, process);
            }
        }
        List<LocalServer> toStart = new TreeSet<>(ids).stream()
                .filter(id -> !isRunning(id))
                .map(servers::get)
                .toList();
        if (toStart.isEmpty()) {
            return this;
        }
        Set<ServerId> starting = toStart.stream().map(LocalServer::id).collect(Collectors.toSet());
        for (LocalServer server : toStart) {
            for (ServerId requirement : requirementsOf(server.id())) {
                if (!starting.contains(requirement) && !isRunning(requirement)) {
                    throw new IllegalArgumentException(server.id() + " needs " + requirement + " running; start them together");
                }
            }
            server.requireInstalled();
            for (int port : server.boundPorts(ports)) {
                Ports.requireFree(server.kind(), server.address(), port);
            }
        }
        boolean hookForStartOnly = detached && !hookInstalled;
        if (hookForStartOnly) {
            installShutdownHook(); // Ctrl-C while starting must not leave half a stack behind
        }
        ExecutorService pool = Executors.newFixedThreadPool(toStart.size());
        try {
            // Each server starts as soon as the servers it requires answer (ServerKind lists requirements first).
            Map<ServerId, CompletableFuture<ServerProcess>> starts = new TreeMap<>();
            for (LocalServer server : toStart) {
                List<CompletableFuture<ServerProcess>> required = new ArrayList<>();
                for (ServerId requirement : requirementsOf(server.id())) {
                    if (starts.containsKey(requirement)) {
                        required.add(starts.get(requirement));
                    }
                }
                starts.put(server.id(), CompletableFuture.allOf(required.toArray(CompletableFuture[]::new))
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
                stopAll(toStart.stream().map(LocalServer::id).toList());
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
    public synchronized Set<ServerId> crashed() {
        adoptFromPidFiles();
        Set<ServerId> crashed = new TreeSet<>();
        for (LocalServer server : servers.values()) {
            if (!isRunning(server.id()) && ServerProcess.crashed(server)) {
                crashed.add(server.id());
            }
        }
        return crashed;
    }

    /** The kinds of server that {@code kind} needs running before it starts. */
    public Set<ServerKind> requirementsOf(ServerKind kind) {
        return server(kind).requires();
    }

    /** The servers that {@code id} needs running before it starts: every server of the kinds it requires, and those it starts after. */
    public Set<ServerId> requirementsOf(ServerId id) {
        LocalServer server = servers.get(id);
        Set<ServerId> requirements = new TreeSet<>(server.startsAfter());
        server.requires().forEach(kind -> requirements.addAll(serversOf(kind)));
        return requirements;
    }

    /** The servers of a kind this stack runs: one, or a cluster's nodes and instances. */
    public List<ServerId> serversOf(ServerKind kind) {
        return topology.servers(kind);
    }

    public Topology topology() {
        return topology;
    }

    /** Brings {@link #running} in line with the PID files: another launcher may have started or stopped servers. */
    private void adoptFromPidFiles() {
        for (LocalServer server : servers.values()) {
            ServerProcess known = running.get(server.id());
            if (known != null && known.isAlive()) {
                continue;
            }
            ServerProcess.adopt(server).ifPresentOrElse(process -> running.put(server.id(), process),
                    () -> running.remove(server.id()));
        }
    }

    /**
     * Further Spring Boot properties for {@code service} when this stack starts it, above its own
     * application.yml, e.g. a local stand-in's URL for randomuser.me.
     */
    public synchronized LocalStack withServiceProperties(ServerKind service, Map<String, String> properties) {
        for (ServerId instance : serversOf(service)) {
            if (!(servers.get(instance) instanceof SpringBootService current)) {
                throw new IllegalArgumentException(service.displayName() + " is not a Spring Boot service");
            }
            Map<String, String> merged = new LinkedHashMap<>(current.springProperties());
            merged.putAll(properties);
            servers.put(instance, new SpringBootService(instance, current.home(), current.clientPort(), current.distributions(), merged,
                    current.environment()));
        }
        return this;
    }

    public LocalStack start(ServerKind first, ServerKind... more) {
        return start(EnumSet.of(first, more));
    }

    /** Stops every server of a kind (gracefully, then by force); their data stays for the next start. */
    public void stop(ServerKind kind) {
        stopAll(serversOf(kind));
    }

    /** Stops one server (gracefully, then by force); its data stays for the next start. */
    public void stop(ServerId id) {
        current(id); // the process started last, by whichever launcher
        ServerProcess process = running.remove(id);
        if (process != null) {
            process.stop(STOP_GRACE);
            progress.accept(id + " stopped (pid " + process.pid() + ")");
        }
    }

    /** Stops every server this stack runs: in parallel, but a server before the ones it requires. */
    public void stopAll() {
        stopAll(List.copyOf(running.keySet()));
    }

    private void stopAll(List<ServerId> ids) {
        List<ServerId> remaining = new ArrayList<>(ids);
        while (!remaining.isEmpty()) {
            List<ServerId> unneeded = remaining.stream()
                    .filter(id -> remaining.stream().noneMatch(other -> requirementsOf(other).contains(id)))
                    .toList();
            remaining.removeAll(unneeded);
            List<Thread> stoppers = new ArrayList<>();
            for (ServerId id : unneeded) {
                Thread stopper = new Thread(() -> stop(id), "stop-" + id);
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

    /** True when every server of the kind runs. */
    public boolean isRunning(ServerKind kind) {
        return serversOf(kind).stream().allMatch(this::isRunning);
    }

    public boolean isRunning(ServerId id) {
        return current(id).isPresent();
    }

    /** PID of the first server of a kind, when it runs. */
    public Optional<Long> pid(ServerKind kind) {
        return pid(ServerId.first(kind));
    }

    public Optional<Long> pid(ServerId id) {
        return current(id).map(ServerProcess::pid);
    }

    /**
     * The live process of {@code kind}: the one this launcher knows, else the one its PID file names, since
     * another launcher on the same state folder (the supervisor process of {@code ./pipeline up}) may have
     * started it again after a crash.
     */
    private Optional<ServerProcess> current(ServerId id) {
        ServerProcess known = running.get(id);
        if (known != null && known.isAlive()) {
            return Optional.of(known);
        }
        Optional<ServerProcess> adopted = ServerProcess.adopt(servers.get(id));
        if (adopted.isPresent()) {
            running.put(id, adopted.get());
        } else if (known != null) {
            running.remove(id, known);
        }
        return adopted;
    }

    /** A fresh protocol round trip (the same check used at start-up) to every server of the kind. */
    public boolean isHealthy(ServerKind kind) {
        return serversOf(kind).stream().allMatch(this::isHealthy);
    }

    public boolean isHealthy(ServerId id) {
        return isRunning(id) && servers.get(id).answers();
    }

    /** The first server's log. */
    public Path logFile(ServerKind kind) {
        return logFile(ServerId.first(kind));
    }

    public Path logFile(ServerId id) {
        return servers.get(id).logFile();
    }

    /** The ports a server listens on ({@link LocalServer#address()}), client port first. */
    public int[] portsOf(ServerId id) {
        return servers.get(id).boundPorts(ports);
    }

    /** The loopback address a server listens on: 127.0.0.1, or 127.0.0.n for Cassandra node n. */
    public String addressOf(ServerId id) {
        return servers.get(id).address();
    }

    public Path stateDir() {
        return stateDir;
    }

    public Ports ports() {
        return ports;
    }

    /** Every broker's address: a client starts from whichever answers. */
    public String kafkaBootstrapServers() {
        return serversOf(ServerKind.KAFKA).stream().map(broker -> ((KafkaServer) servers.get(broker)).bootstrapServers())
                .collect(Collectors.joining(","));
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
        return ((RegistryServer) server(ServerKind.REGISTRY)).confluentApiUrl();
    }

    /** {@code 127.0.0.1:<port>}, the first node, in the form of {@code spring.cassandra.contact-points}. */
    public String cassandraContactPoint() {
        return "127.0.0.1:" + ports.cassandra();
    }

    /** Every node, {@code 127.0.0.1:9042,127.0.0.2:9042,...}: the value of {@code spring.cassandra.contact-points}. */
    public String cassandraContactPoints() {
        return serversOf(ServerKind.CASSANDRA).stream().map(node -> servers.get(node).address() + ":" + ports.cassandra())
                .collect(Collectors.joining(","));
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
        return ((PostgresServer) server(ServerKind.POSTGRES)).jdbcUrl(database);
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
        return ((AirflowServer) server(ServerKind.AIRFLOW)).login();
    }

    /**
     * The HTTP Basic logins of the services' APIs (reader, operator), generated by the first start of this
     * state folder; {@code ./pipeline up} prints them.
     */
    public ApiLogins apiLogins() {
        return apiLogins;
    }

    /** Base URL ({@code http://127.0.0.1:<port>}) of a service's REST API and Actuator: its first instance. */
    public String serviceUrl(ServerKind service) {
        return serviceUrl(ServerId.first(service));
    }

    public String serviceUrl(ServerId instance) {
        if (!(servers.get(instance) instanceof SpringBootService springBootService)) {
            throw new IllegalArgumentException(instance + " is not one of our services");
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

    /** The (first) server of {@code kind} as this stack runs it (its command, properties, log): for tests in this package. */
    LocalServer server(ServerKind kind) {
        return servers.get(ServerId.first(kind));
    }

    LocalServer server(ServerId id) {
        return servers.get(id);
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
            if (topology.isCluster()) {
                // userstream.topics (common-schema's TopicLayout), alike in every service.
                properties.put("userstream.topics.replication-factor", String.valueOf(topology.replicas()));
                properties.put("userstream.topics.min-insync-replicas", String.valueOf(topology.minInSyncReplicas()));
            }
        }
        if (kinds.contains(ServerKind.REGISTRY)) {
            // Read by every Kafka client's serde, ours and Confluent's alike.
            properties.put("spring.kafka.properties.schema.registry.url", schemaRegistryUrl());
        }
        if (kinds.contains(ServerKind.CASSANDRA)) {
            properties.put("spring.cassandra.contact-points", cassandraContactPoints());
            properties.put("spring.cassandra.local-datacenter", cassandraLocalDatacenter());
            if (topology.isCluster()) {
                properties.put("userstream.store.cassandra.replication",
                        "{'class': 'NetworkTopologyStrategy', '" + cassandraLocalDatacenter() + "': " + topology.replicas() + "}");
            }
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
        running.put(server.id(), process);
        process.awaitReady(server.readyTimeout());
        server.afterReady();
        progress.accept("%s ready on %s:%d in %.1f s (pid %d, log %s)".formatted(
                server.id(), server.address(), server.clientPort(),
                (System.nanoTime() - began) / 1e9, process.pid(), server.logFile()));
        return process;
    }

    private Path home(ServerId id) {
        return stateDir.resolve(id.displayName());
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
