package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * docker-compose.yml (repository root), alone or with overlays such as docker-compose.cluster.yml, as Docker Compose
 * reads them: YAML with anchors and merge keys, services that extend others, the files merged in order by Compose's
 * rules (and its !reset and !override tags), every string value interpolated with .env.example's variables. Also the
 * checks that concern the project as a whole (dependencies, images, healthchecks, volumes) and the Kafka and registry
 * addresses a client may use.
 */
final class ComposeFile {

    private static final Pattern VARIABLE =
            Pattern.compile("\\$(?:\\$|\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");
    private static final Set<String> WAIT_CONDITIONS = Set.of("service_healthy", "service_completed_successfully");
    private static final String[] KAFKA_IMAGES = {"confluentinc/cp-kafka", "confluentinc/cp-server"};

    /** cp-kafka's environment variables that configure the JVM or the image, not the broker. */
    private static final Set<String> KAFKA_IMAGE_VARIABLES = Set.of("KAFKA_VERSION", "KAFKA_HEAP_OPTS", "KAFKA_LOG4J_OPTS",
            "KAFKA_OPTS", "KAFKA_JMX_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_ROOT_LOGLEVEL",
            "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL");
    private static final Pattern SINGLE_UNDERSCORE = Pattern.compile("[^_]_[^_]");
    private static final Pattern SCRAM_LOGIN = Pattern.compile(
            "org\\.apache\\.kafka\\.common\\.security\\.scram\\.ScramLoginModule required username=\"([^\"]*)\" password=\"([^\"]*)\";");

    private final Path root;
    private final Map<String, Map<String, Object>> services;
    private final Map<String, Map<String, Object>> rawServices;
    private final Set<String> declaredVolumes;

    private ComposeFile(Path root, Map<String, Map<String, Object>> services, Map<String, Map<String, Object>> rawServices,
                        Set<String> declaredVolumes) {
        this.root = root;
        this.services = services;
        this.rawServices = rawServices;
        this.declaredVolumes = declaredVolumes;
    }

    /** {@code <root>/docker-compose.yml} with the variables of {@code <root>/.env.example}. */
    static ComposeFile read(Path root) throws IOException {
        return read(root, List.of("docker-compose.yml"));
    }

    /** The files of {@code <root>}, merged in this order as {@code docker compose -f a -f b} does, with .env.example's variables. */
    @SuppressWarnings("unchecked")
    static ComposeFile read(Path root, List<String> files) throws IOException {
        Map<String, String> variables = readEnvFile(root.resolve(".env.example"));
        Map<String, Object> raw = new LinkedHashMap<>();
        Set<String> volumes = new java.util.TreeSet<>();
        for (String name : files) {
            Map<String, Object> file = ComposeMerge.load(root, name);
            Object fileServices = file.get("services");
            assertThat(fileServices).as("%s has services", name).isInstanceOf(Map.class);
            ((Map<String, Object>) fileServices).forEach((service, definition) -> {
                assertThat(definition).as("%s: service %s is a mapping", name, service).isInstanceOf(Map.class);
                Map<String, Object> resolved = ComposeMerge.resolveExtends(root, name, (Map<String, Object>) fileServices, service);
                raw.merge(service, resolved, (base, overlay) -> ComposeMerge.mergeService((Map<String, Object>) base,
                        (Map<String, Object>) overlay));
            });
            if (file.get("volumes") instanceof Map<?, ?> declared) {
                declared.keySet().forEach(volume -> volumes.add(String.valueOf(volume)));
            }
        }
        Map<String, Map<String, Object>> rawByName = new LinkedHashMap<>();
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        raw.forEach((name, service) -> {
            Map<String, Object> definition = (Map<String, Object>) ComposeMerge.withoutTags(service);
            rawByName.put(name, definition);
            byName.put(name, (Map<String, Object>) interpolate(definition, variables));
        });
        return new ComposeFile(root, byName, rawByName, volumes);
    }

    /** KEY=VALUE lines, as in a .env file (comments and blank lines skipped, quotes removed). */
    static Map<String, String> readEnvFile(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            assertThat(equals).as("%s: '%s' is KEY=VALUE", file.getFileName(), trimmed).isPositive();
            String value = trimmed.substring(equals + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(trimmed.substring(0, equals).strip(), value);
        }
        return values;
    }

    /** Compose's interpolation of every string value: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}. */
    static Object interpolate(Object value, Map<String, String> variables) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> result = new LinkedHashMap<>();
            map.forEach((key, item) -> result.put(key, interpolate(item, variables)));
            return result;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> interpolate(item, variables)).toList();
        }
        if (!(value instanceof String text)) {
            return value;
        }
        Matcher matcher = VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(4);
            String replacement;
            if (name == null) {
                replacement = "$";
            } else {
                String operator = matcher.group(2);
                String argument = matcher.group(3);
                String set = variables.get(name);
                boolean nonEmpty = set != null && !set.isEmpty();
                replacement = switch (operator == null ? "" : operator) {
                    case ":-" -> nonEmpty ? set : argument;
                    case "-" -> set != null ? set : argument;
                    case ":?", "?" -> {
                        assertThat(":?".equals(operator) ? nonEmpty : set != null)
                                .as("${%s%s%s}: .env.example must set %s", name, operator, argument, name).isTrue();
                        yield set;
                    }
                    case ":+" -> nonEmpty ? argument : "";
                    case "+" -> set != null ? argument : "";
                    default -> {
                        assertThat(set).as("$%s has no default: .env.example must set it", name).isNotNull();
                        yield set;
                    }
                };
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** The checkout the file is in: build contexts and bind mounts are relative to it. */
    Path root() {
        return root;
    }

    Set<String> serviceNames() {
        return services.keySet();
    }

    Map<String, Object> service(String name) {
        assertThat(services).as("docker-compose.yml services").containsKey(name);
        return services.get(name);
    }

    /** The environment, in its list (KEY=VALUE) or mapping form, values as strings. */
    Map<String, String> environment(String name) {
        return environment(service(name).get("environment"));
    }

    /** The environment as written in the file, before interpolation: "${POSTGRES_PASSWORD:?...}", not its value. */
    Map<String, String> rawEnvironment(String name) {
        service(name);
        return environment(rawServices.get(name).get("environment"));
    }

    private static Map<String, String> environment(Object environment) {
        Map<String, String> result = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) -> result.put(key.toString(), value == null ? "" : value.toString()));
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String[] pair = entry.toString().split("=", 2);
                result.put(pair[0], pair.length == 2 ? pair[1] : "");
            }
        }
        return result;
    }

    /** The command, in its list or string form, as a list of words (empty when the service sets none). */
    List<String> command(String name) {
        Object command = service(name).get("command");
        if (command instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return command == null ? List.of() : List.of(command.toString().trim().split("\\s+"));
    }

    /**
     * The script of the checkout a service runs as its entrypoint, ["sh", "/in/the/container.sh"], by the bind mount
     * that puts it there.
     */
    Path entrypointScript(String name) {
        Object entrypoint = service(name).get("entrypoint");
        assertThat(entrypoint).as("entrypoint of %s", name).isInstanceOf(List.class);
        List<?> words = (List<?>) entrypoint;
        assertThat(words).as("entrypoint of %s", name).hasSize(2).first().hasToString("sh");
        String target = words.get(1).toString();
        String source = mounts(name).entrySet().stream().filter(mount -> mount.getValue().equals(target))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError(name + " mounts nothing at " + target));
        return root.resolve(source).normalize();
    }

    /** The bind mounts and volumes of a service as source → target, short ("./a:/b:ro") or long syntax. */
    Map<String, String> mounts(String name) {
        Map<String, String> result = new LinkedHashMap<>();
        if (service(name).get("volumes") instanceof List<?> volumes) {
            for (Object volume : volumes) {
                if (volume instanceof Map<?, ?> map) {
                    result.put(String.valueOf(map.get("source")), String.valueOf(map.get("target")));
                } else if (volume.toString().contains(":")) {
                    String[] parts = volume.toString().split(":");
                    result.put(parts[0], parts[1]);
                }
            }
        }
        return result;
    }

    /** The service another instance runs ("user-store-service-2" → "user-store-service"); a service is its own first instance. */
    String instanceOf(String name) {
        Matcher instance = Pattern.compile("(.+)-\\d+").matcher(name);
        return instance.matches() && services.containsKey(instance.group(1)) ? instance.group(1) : name;
    }

    /** The extra names a service answers to in its networks ({@code networks: {default: {aliases: [...]}}}), in order. */
    List<String> networkAliases(String name) {
        List<String> aliases = new ArrayList<>();
        if (service(name).get("networks") instanceof Map<?, ?> networks) {
            networks.values().forEach(network -> {
                if (network instanceof Map<?, ?> settings && settings.get("aliases") instanceof List<?> names) {
                    names.forEach(alias -> aliases.add(String.valueOf(alias)));
                }
            });
        }
        return aliases;
    }

    /** depends_on as target → condition (the short list form means service_started). */
    Map<String, String> dependsOn(String name) {
        Object dependsOn = service(name).get("depends_on");
        Map<String, String> result = new LinkedHashMap<>();
        if (dependsOn instanceof List<?> list) {
            list.forEach(target -> result.put(target.toString(), "service_started"));
        } else if (dependsOn instanceof Map<?, ?> map) {
            map.forEach((target, options) -> result.put(target.toString(),
                    options instanceof Map<?, ?> o && o.get("condition") != null ? o.get("condition").toString() : "service_started"));
        }
        return result;
    }

    /** Published ports as [host, container]; short ("8080:80", "127.0.0.1:8080:80/tcp") or long syntax. */
    List<int[]> ports(String name) {
        List<int[]> result = new ArrayList<>();
        if (service(name).get("ports") instanceof List<?> list) {
            for (Object port : list) {
                if (port instanceof Map<?, ?> map) {
                    result.add(new int[] {Integer.parseInt(String.valueOf(map.get("published"))),
                            Integer.parseInt(String.valueOf(map.get("target")))});
                } else {
                    String[] parts = port.toString().replaceFirst("/(tcp|udp)$", "").split(":");
                    assertThat(parts.length).as("%s: port '%s' publishes a fixed host port", name, port).isGreaterThanOrEqualTo(2);
                    result.add(new int[] {Integer.parseInt(parts[parts.length - 2]), Integer.parseInt(parts[parts.length - 1])});
                }
            }
        }
        return result;
    }

    /** The host address each published port of a service binds to ("" when the entry names none: every interface). */
    List<String> publishedAddresses(String name) {
        List<String> result = new ArrayList<>();
        if (service(name).get("ports") instanceof List<?> list) {
            for (Object port : list) {
                if (port instanceof Map<?, ?> map) {
                    result.add(map.get("host_ip") == null ? "" : String.valueOf(map.get("host_ip")));
                } else {
                    String[] parts = port.toString().replaceFirst("/(tcp|udp)$", "").split(":");
                    result.add(parts.length == 3 ? parts[0] : "");
                }
            }
        }
        return result;
    }

    /** The healthcheck's command as one string (the CMD / CMD-SHELL list form or a string); fails when there is none. */
    String healthcheck(String name) {
        Object healthcheck = service(name).get("healthcheck");
        assertThat(healthcheck).as("service %s has a healthcheck", name).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) healthcheck;
        assertThat(map.get("disable")).as("%s: healthcheck disabled", name).isNotEqualTo(Boolean.TRUE);
        Object test = map.get("test");
        String command = test instanceof List<?> list
                ? list.stream().skip(1).map(Object::toString).collect(Collectors.joining(" "))
                : String.valueOf(test);
        assertThat(test instanceof List<?> list ? list.get(0).toString() : "CMD-SHELL")
                .as("%s: healthcheck test", name).isIn("CMD", "CMD-SHELL");
        assertThat(command).as("%s: healthcheck command", name).isNotBlank();
        return command;
    }

    String image(String name) {
        Object image = service(name).get("image");
        return image == null ? null : image.toString();
    }

    /** Services whose image is one of these repositories (e.g. "confluentinc/cp-kafka"). */
    List<String> servicesOfImage(String... repositories) {
        return services.keySet().stream()
                .filter(name -> image(name) != null && Arrays.asList(repositories).contains(repository(image(name))))
                .toList();
    }

    /** Services other services wait for to exit successfully (service_completed_successfully): one-shot jobs. */
    Set<String> oneShotJobs() {
        return services.keySet().stream()
                .flatMap(name -> dependsOn(name).entrySet().stream())
                .filter(dependency -> dependency.getValue().equals("service_completed_successfully"))
                .map(Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    /** The Cassandra nodes of the file: services of the cassandra image that are not one-shot jobs (cqlsh clients). */
    List<String> cassandraNodes() {
        return servicesOfImage("cassandra").stream().filter(name -> !oneShotJobs().contains(name)).toList();
    }

    /** The Kafka brokers of the file: services of a Kafka image that are not one-shot jobs (kafka-init is a client). */
    List<String> brokers() {
        return servicesOfImage(KAFKA_IMAGES).stream().filter(name -> !oneShotJobs().contains(name)).toList();
    }

    /** The one-shot jobs of a Kafka image: clients of the brokers, such as kafka-init. */
    List<String> kafkaJobs() {
        return servicesOfImage(KAFKA_IMAGES).stream().filter(oneShotJobs()::contains).toList();
    }

    /**
     * The broker settings a Kafka service's environment makes, as cp-kafka's start script renders them (its ub
     * render-template): every KAFKA_* variable but the JVM's, the prefix dropped, lower case, _ to ., __ to _ and
     * ___ to -. KAFKA_LISTENER_NAME_HOST_SCRAM___SHA___256_SASL_JAAS_CONFIG is listener.name.host.scram-sha-256.sasl.jaas.config.
     */
    Map<String, String> brokerSettings(String broker) {
        Map<String, String> settings = new LinkedHashMap<>();
        environment(broker).forEach((variable, value) -> {
            if (variable.startsWith("KAFKA_") && !KAFKA_IMAGE_VARIABLES.contains(variable)) {
                settings.put(brokerSettingName(variable.substring("KAFKA_".length())), value);
            }
        });
        return settings;
    }

    /** ub's ConvertKey: single underscores (between two other characters) to dots, then ___ to -, then __ to _. */
    static String brokerSettingName(String variable) {
        String dotted = SINGLE_UNDERSCORE.matcher(variable).replaceAll(match -> Matcher.quoteReplacement(match.group().replace('_', '.')));
        return dotted.replace("___", "-").replace("__", "_").toLowerCase(Locale.ROOT);
    }

    /** A Kafka client's SCRAM login in one environment variable of the file: who, as which principal, with which password. */
    record ScramLogin(String service, String variable, String principal, String password) {

        /** The login of a whole sasl.jaas.config value; null when it is no SCRAM login. */
        static ScramLogin parse(String service, String variable, String jaasConfig) {
            Matcher login = SCRAM_LOGIN.matcher(jaasConfig == null ? "" : jaasConfig);
            return login.matches() ? new ScramLogin(service, variable, login.group(1), login.group(2)) : null;
        }
    }

    /** Every sasl.jaas.config of the file that logs in with SCRAM (the services', the registry's, Control Center's). */
    List<ScramLogin> scramLogins() {
        List<ScramLogin> logins = new ArrayList<>();
        services.keySet().forEach(name -> environment(name).forEach((variable, value) -> {
            ScramLogin login = ScramLogin.parse(name, variable, value);
            if (login != null) {
                logins.add(login);
            } else {
                assertThat(value).as("%s: %s is a whole SCRAM login (ScramLoginModule required username=\"...\" password=\"...\";)",
                        name, variable).doesNotContain("ScramLoginModule required username");
            }
        }));
        return logins;
    }

    int brokerCount() {
        return brokers().size();
    }

    static String repository(String image) {
        String withoutDigest = image.split("@", 2)[0];
        int colon = withoutDigest.lastIndexOf(':');
        return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    /** An image reference names a fixed version: a digest, or a tag that is not (and does not float like) latest. */
    static void assertPinned(String image, String where) {
        if (image.contains("@sha256:")) {
            return;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        assertThat(colon).as("%s: image '%s' has a tag", where, image).isGreaterThan(slash);
        assertThat(image.substring(colon + 1).toLowerCase(Locale.ROOT)).as("%s: tag of image '%s'", where, image)
                .isNotBlank().doesNotContain("latest");
    }

    /** Every depends_on target is a service of the file, waited for until healthy (it has a healthcheck) or, for a one-shot job, done. */
    void assertDependencies() {
        services.keySet().forEach(name -> dependsOn(name).forEach((target, condition) -> {
            assertThat(services).as("%s depends on %s, a service of the file", name, target).containsKey(target);
            assertThat(condition).as("%s waits for %s to be healthy (or, for a one-shot job, to succeed)", name, target)
                    .isIn(WAIT_CONDITIONS);
            if (condition.equals("service_healthy")) {
                healthcheck(target);
            }
        }));
    }

    void assertImagesPinned() {
        services.keySet().forEach(name -> {
            String image = image(name);
            assertThat(image != null || service(name).get("build") != null).as("%s has an image or a build", name).isTrue();
            if (image != null) {
                assertPinned(image, "service " + name);
            }
        });
    }

    void assertHealthchecks() {
        services.keySet().forEach(this::healthcheck);
    }

    /** A named volume a service mounts is declared at the top level; a bind-mounted path exists in the checkout. */
    void assertVolumes() {
        services.forEach((name, service) -> {
            if (service.get("volumes") instanceof List<?> volumes) {
                for (Object volume : volumes) {
                    if (!(volume instanceof Map<?, ?>) && !volume.toString().contains(":")) {
                        continue; // an anonymous volume
                    }
                    String source = volume instanceof Map<?, ?> map ? String.valueOf(map.get("source")) : volume.toString().split(":")[0];
                    if (source.startsWith(".") || source.startsWith("/")) {
                        assertThat(root.resolve(source).normalize()).as("%s: bind-mounted %s", name, source).exists();
                    } else {
                        assertThat(declaredVolumes).as("%s mounts volume %s, declared under volumes:", name, source).contains(source);
                    }
                }
            }
        });
    }

    /** Brokers as named in this file, and the protocol of each advertised listener: "kafka:29092" → PLAINTEXT. */
    Map<String, String> advertisedKafkaListeners() {
        Pattern advertised = Pattern.compile("([A-Za-z_]+)://([^:]+):(\\d+)");
        Map<String, String> listeners = new LinkedHashMap<>();
        for (String broker : brokers()) {
            Map<String, String> env = environment(broker);
            Map<String, String> protocols = new HashMap<>();
            for (String entry : env.getOrDefault("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "").split(",")) {
                String[] pair = entry.strip().split(":", 2);
                if (pair.length == 2) {
                    protocols.put(pair[0], pair[1]);
                }
            }
            for (String entry : env.getOrDefault("KAFKA_ADVERTISED_LISTENERS", "").split(",")) {
                Matcher listener = advertised.matcher(entry.strip());
                if (listener.matches()) {
                    listeners.put(listener.group(2) + ":" + listener.group(3), protocols.getOrDefault(listener.group(1), listener.group(1)));
                }
            }
        }
        return listeners;
    }

    /**
     * Every address is a broker of this file, by its service name and a listener it advertises, whose security
     * protocol is the client's (a SASL one: no listener of the file is open); a protocol written before the address
     * (SASL_PLAINTEXT://kafka:29092, as the schema registry takes it) is that one too.
     */
    void assertKafkaBootstrap(String bootstrapServers, String securityProtocol, String who) {
        assertThat(bootstrapServers).as("%s: bootstrap servers", who).isNotBlank();
        assertThat(securityProtocol).as("%s: security protocol", who).startsWith("SASL_");
        Map<String, String> listeners = advertisedKafkaListeners();
        for (String address : bootstrapServers.split(",")) {
            Matcher protocol = Pattern.compile("^([A-Za-z_]+)://").matcher(address.strip());
            if (protocol.find()) {
                assertThat(protocol.group(1)).as("%s: protocol of %s", who, address).isEqualTo(securityProtocol);
            }
            String hostPort = address.strip().replaceFirst("^[A-Za-z_]+://", "");
            assertThat(listeners).as("%s: bootstrap address %s is a listener a Kafka service of the file advertises", who, hostPort)
                    .containsKey(hostPort);
            assertThat(listeners.get(hostPort)).as("%s: protocol of the listener %s", who, hostPort).isEqualTo(securityProtocol);
            assertThat(services).as("%s: %s is reached by its service name", who, hostPort).containsKey(hostPort.split(":")[0]);
        }
    }

    /** The Confluent schema registry of this file, at its root (Confluent serves its API there, not under a path). */
    void assertSchemaRegistryUrl(String url, String who) {
        assertThat(url).as("%s: spring.kafka.properties.schema.registry.url", who).isNotBlank();
        URI uri = URI.create(url);
        List<String> registries = servicesOfImage("confluentinc/cp-schema-registry");
        assertThat(registries).as("%s: %s names a schema registry service of the file", who, url).contains(uri.getHost());
        String listeners = environment(uri.getHost()).getOrDefault("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081");
        assertThat(URI.create(listeners.split(",")[0].strip()).getPort()).as("%s: port of %s", who, url).isEqualTo(uri.getPort());
        assertThat(uri.getPath()).as("%s: %s is the registry's root (a local-mode path such as /apis/ccompat/v7 would 404)", who, url)
                .isIn("", "/");
    }
}
