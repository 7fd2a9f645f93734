package io.userstream.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One of our Spring Boot services, run from the jar {@code ./mvnw package} built
 * ({@code <service>/target/<service>-<version>.jar}, unpacked under its home for class data sharing).
 * Its port and the addresses of the
 * stack's servers are command-line arguments, the highest-precedence property source, so the
 * service's own application.yml stays as it is and everything else in it still applies.
 *
 * @param springProperties the Spring Boot properties that point the service at its required servers
 * @param environment      secrets (the API logins, ingest-service's database login): in the environment, which
 *                         only the owner can read, not on the command line, which every local user can
 */
record SpringBootService(ServerId id, Path home, int clientPort, Distributions distributions,
                         Map<String, String> springProperties, Map<String, String> environment) implements LocalServer {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    SpringBootService {
        if (!id.kind().isService()) {
            throw new IllegalArgumentException(id + " is not a Spring Boot service");
        }
        springProperties = Map.copyOf(springProperties);
        environment = Map.copyOf(environment);
    }

    @Override
    public ServerKind kind() {
        return id.kind();
    }

    /** The servers a service needs before it starts (it would start without them, but only to report DOWN). */
    static Set<ServerKind> requirementsOf(ServerKind service) {
        return switch (service) {
            case INGEST -> EnumSet.of(ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES);
            case PROCESSOR -> EnumSet.of(ServerKind.KAFKA, ServerKind.REGISTRY);
            case STORE -> EnumSet.of(ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA);
            // Not the services it watches: it starts without them and shows them as down.
            case CONSOLE -> EnumSet.of(ServerKind.KAFKA, ServerKind.REGISTRY);
            default -> throw new IllegalArgumentException(service.displayName() + " is not a Spring Boot service");
        };
    }

    /**
     * The service's users ({@code userstream.security.users.*}, reader and operator); for the console also the
     * login it calls the other services with (reader: it only reads them, a resume carries its caller's own).
     */
    static Map<String, String> secretsOf(ServerKind service, ApiLogins logins, CassandraLogins cassandraLogins) {
        Map<String, String> environment = new LinkedHashMap<>(logins.serviceEnvironment());
        if (requirementsOf(service).contains(ServerKind.CASSANDRA)) {
            environment.putAll(cassandraLogins.storeEnvironment());
        }
        if (service == ServerKind.CONSOLE) {
            environment.put("USERSTREAM_CONSOLE_SERVICESLOGIN_USERNAME", logins.reader().username());
            environment.put("USERSTREAM_CONSOLE_SERVICESLOGIN_PASSWORD", logins.reader().password());
        }
        return environment;
    }

    /**
     * Spring Boot properties as the environment variables its relaxed binding maps onto them:
     * {@code spring.datasource.password} → {@code SPRING_DATASOURCE_PASSWORD} (upper case, {@code .} as {@code _},
     * {@code -} dropped).
     */
    static Map<String, String> environmentVariables(Map<String, String> springProperties) {
        Map<String, String> environment = new LinkedHashMap<>();
        springProperties.forEach((name, value) ->
                environment.put(name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace("-", ""), value));
        return environment;
    }

    /**
     * The addresses a service calls over HTTP, beyond its required servers: for the console, the stack's
     * ingest-service, user-store-service, stream-processor and Airflow (its defaults are the default ports,
     * wrong for a stack on other ports). Empty for the other services.
     */
    static Map<String, String> httpEndpointsOf(ServerKind service, Ports ports) {
        if (service != ServerKind.CONSOLE) {
            return Map.of();
        }
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("userstream.console.ingest-url", loopbackUrl(ports.ingest()));
        endpoints.put("userstream.console.store-url", loopbackUrl(ports.store()));
        endpoints.put("userstream.console.processor-url", loopbackUrl(ports.processor()));
        endpoints.put("userstream.console.airflow-url", loopbackUrl(ports.airflow()));
        return endpoints;
    }

    /** {@code http://127.0.0.1:<port>}: where every server and service of a stack listens. */
    static String loopbackUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public Set<ServerKind> requires() {
        return requirementsOf(kind());
    }

    /**
     * Instance n starts once instance n − 1 answers: on two cores, seven JVMs starting at once took longer than the start
     * limit, and a second instance joining a running one is how a service scales out anyway.
     */
    @Override
    public Set<ServerId> startsAfter() {
        return id.number() == 1 ? Set.of() : Set.of(new ServerId(id.kind(), id.number() - 1));
    }

    @Override
    public void requireInstalled() {
        distributions.serviceJar(kind());
    }

    /**
     * Unpacks the jar into {@code app/} (again whenever the jar or the JDK changed): a class-data-sharing
     * archive works only with an unpacked jar, and it halves the service's start-up CPU.
     */
    @Override
    public void prepare() throws IOException, InterruptedException {
        Files.createDirectories(stateDirectory());
        Path jar = distributions.serviceJar(kind());
        String unpackedFrom = jar + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis()
                + " " + System.getProperty("java.home") + " " + System.getProperty("java.vm.version");
        Path stamp = appDirectory().resolve(".unpacked-from");
        if (Files.exists(stamp) && Files.readString(stamp).equals(unpackedFrom)) {
            return;
        }
        deleteRecursively(appDirectory());
        Process extract = new ProcessBuilder(LocalServer.javaExecutable().toString(), "-Djarmode=tools", "-jar", jar.toString(),
                        "extract", "--destination", appDirectory().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        if (!extract.waitFor(120, TimeUnit.SECONDS) || extract.exitValue() != 0) {
            extract.destroyForcibly();
            throw new ServerStartException(kind(), "unpacking " + jar + " failed", logFile(), ServerProcess.tail(logFile()));
        }
        Files.writeString(stamp, unpackedFrom);
    }

    @Override
    public List<String> command() {
        List<String> command = new ArrayList<>(List.of(
                LocalServer.javaExecutable().toString(),
                // Bounded heaps keep four services next to the servers on a laptop; SerialGC has the
                // smallest footprint and these heaps are small.
                "-Xms64m", "-Xmx512m",
                "-XX:+UseSerialGC",
                "-Djava.awt.headless=true",
                // Class data sharing: the first run writes the archive when it stops (./pipeline down), later runs
                // map it. A missing or unusable archive only costs start-up time.
                Files.exists(classDataArchive())
                        ? "-XX:SharedArchiveFile=" + classDataArchive()
                        : "-XX:ArchiveClassesAtExit=" + classDataArchive(),
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-jar", appDirectory().resolve(distributions.serviceJar(kind()).getFileName()).toString(),
                "--server.address=127.0.0.1",
                "--server.port=" + clientPort));
        springProperties.forEach((name, value) -> command.add("--" + name + "=" + value));
        if (kind() == ServerKind.PROCESSOR) {
            // Kafka Streams' RocksDB stores: kept with the stack's other data, not in /tmp.
            command.add("--spring.kafka.streams.state-dir=" + stateDirectory());
        }
        return command;
    }

    /** Ready when Actuator's health endpoint answers 200 with status UP (every health indicator UP). */
    @Override
    public boolean answers() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health"))
                .timeout(Duration.ofSeconds(5))
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode health = JSON.readTree(response.body());
            return "UP".equals(health.path("status").asText());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code http://127.0.0.1:<port>}: the service's REST API and Actuator. */
    String baseUrl() {
        return loopbackUrl(clientPort);
    }

    /** The service's own files besides its log (Kafka Streams state for the processor). */
    private Path stateDirectory() {
        return home.resolve("state");
    }

    /** The unpacked jar ({@code java -Djarmode=tools -jar <jar> extract}) and its class-data-sharing archive. */
    private Path appDirectory() {
        return home.resolve("app");
    }

    private Path classDataArchive() {
        return appDirectory().resolve(kind().displayName() + ".jsa");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
