package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userstream.localstack.Distributions;
import io.userstream.localstack.ServerKind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;

/**
 * One of our Spring Boot services as docker-compose.yml configures it: its module's
 * src/main/resources/application.yml under the environment compose gives it (environment first, as in
 * Spring Boot), resolved by Spring Boot's own Binder. The properties the service has are the keys of that
 * application.yml and those the Spring Boot configuration metadata in its packaged jar declares: that jar's
 * libraries are exactly what the container runs, so a variable for a library the service lacks fails.
 */
final class ServiceConfiguration {

    /** Read by the JVM, not by Spring. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
    /**
     * Spring Boot's maps of settings handed to every Kafka client the application makes (Map&lt;String, String&gt;, so
     * the configuration metadata names no key): an entry is known when its key is a setting Kafka's producer,
     * consumer or admin client defines (sasl.jaas.config, say); a misspelt one still fails.
     */
    private static final List<String> KAFKA_CLIENT_MAPS = List.of("spring.kafka.properties");
    private static final Set<String> KAFKA_CLIENT_SETTINGS = Stream.of(ProducerConfig.configNames(),
                    ConsumerConfig.configNames(), AdminClientConfig.configNames())
            .flatMap(Set::stream)
            .collect(Collectors.toUnmodifiableSet());
    private static final String METADATA = "META-INF/spring-configuration-metadata.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String module;
    private final ComposeFile compose;
    private final Map<String, String> environment;
    private final Set<String> knownProperties = new TreeSet<>();
    private final Map<String, String> metadataDefaults = new TreeMap<>();
    private final Binder binder;

    private ServiceConfiguration(ComposeFile compose, String name, String module, Path bootJar) throws IOException {
        this.name = name;
        this.module = module;
        this.compose = compose;
        this.environment = compose.environment(name);
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new LinkedHashMap<>(environment)));
        Path applicationYml = compose.root().resolve(module).resolve("src/main/resources/application.yml");
        for (PropertySource<?> yml : new YamlPropertySourceLoader().load(name + " application.yml", new FileSystemResource(applicationYml))) {
            sources.addLast(yml);
            for (String key : ((EnumerablePropertySource<?>) yml).getPropertyNames()) {
                knownProperties.add(key.replaceAll("\\[\\d+]", ""));
            }
        }
        Map<String, String> metadata = metadata(bootJar);
        knownProperties.addAll(metadata.keySet());
        metadata.forEach((key, value) -> {
            if (value != null) {
                metadataDefaults.put(key, value);
            }
        });
        // The API users every service takes (service-security's userstream.security.users, a map): those the file names.
        for (String user : List.of("reader", "operator")) {
            knownProperties.add("userstream.security.users." + user + ".password");
            knownProperties.add("userstream.security.users." + user + ".roles");
        }
        this.binder = new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources));
    }

    /** The compose service of that name, whose module is the folder of the same name, with the jar {@code ./mvnw package} built there. */
    static ServiceConfiguration of(ComposeFile compose, ServerKind service) throws IOException {
        return of(compose, service, service.displayName());
    }

    /** Another instance of the service: the compose service {@code name}, built from the service's module. */
    static ServiceConfiguration of(ComposeFile compose, ServerKind service, String name) throws IOException {
        return new ServiceConfiguration(compose, name, service.displayName(), new Distributions(compose.root()).serviceJar(service));
    }

    String name() {
        return name;
    }

    /** The value the service ends up with, placeholders resolved; null when unset. */
    String property(String key) {
        return binder.bind(key, Bindable.of(String.class)).orElse(null);
    }

    /** The value the service ends up with, or else the default its configuration metadata declares; null when neither. */
    String propertyOrDefault(String key) {
        String value = property(key);
        return value != null ? value : metadataDefaults.get(key);
    }

    /** The properties the service has whose names start with that prefix. */
    Set<String> knownProperties(String prefix) {
        return knownProperties.stream().filter(key -> key.startsWith(prefix)).collect(Collectors.toCollection(TreeSet::new));
    }

    int port(String key, int fallback) {
        String value = property(key);
        return value == null ? fallback : Integer.parseInt(value);
    }

    /**
     * The properties one environment variable sets, by Spring Boot's mapping of system environment names: known
     * properties, and entries of {@link #KAFKA_CLIENT_MAPS} whose key is a setting Kafka's clients define.
     */
    Set<String> propertiesBoundBy(String variable) {
        ConfigurationPropertySource alone = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "x")));
        Set<String> bound = knownProperties.stream()
                .filter(key -> alone.getConfigurationProperty(ConfigurationPropertyName.adapt(key, '.')) != null)
                .collect(Collectors.toCollection(TreeSet::new));
        Binder binder = new Binder(alone);
        for (String map : KAFKA_CLIENT_MAPS) {
            binder.bind(map, Bindable.mapOf(String.class, String.class)).ifBound(entries -> entries.keySet().stream()
                    .filter(KAFKA_CLIENT_SETTINGS::contains)
                    .forEach(key -> bound.add(map + "." + key)));
        }
        return bound;
    }

    /**
     * Every variable compose gives the service sets a property it has (a key of its application.yml, or one
     * Spring Boot's configuration metadata declares; entries of map properties such as spring.kafka.properties
     * as application.yml has them or, for spring.kafka.properties, when Kafka's clients define the key, so a
     * misspelt Kafka setting fails too), and the service then reads that value.
     */
    void assertEnvironmentBinds() {
        assertThat(environment).as("%s: environment in docker-compose.yml", name).isNotEmpty();
        Map<String, Set<String>> unbound = new TreeMap<>();
        environment.forEach((variable, value) -> {
            if (JVM_VARIABLES.contains(variable)) {
                assertThat(value.split("\\s+")).as("%s: %s holds JVM options", name, variable).allMatch(option -> option.startsWith("-"));
                return;
            }
            Set<String> properties = propertiesBoundBy(variable);
            if (properties.isEmpty()) {
                unbound.put(variable, properties);
            }
            properties.forEach(property -> assertThat(property(property))
                    .as("%s: %s=%s is what %s ends up as", name, variable, value, property).isEqualTo(value));
        });
        assertThat(unbound.keySet())
                .as("%s: environment variables in docker-compose.yml that set no property of the service", name).isEmpty();
    }

    /**
     * server.port is the published container port (host port as in local mode) and EXPOSEd by the image; the
     * healthcheck asks Actuator's health there; whoever names this service in the file uses that port.
     */
    void assertPorts(int hostPort) {
        int port = port("server.port", 8080);
        assertThat(compose.ports(name)).as("%s: published ports [host, container]", name)
                .anySatisfy(mapping -> assertThat(mapping).containsExactly(hostPort, port));
        int managementPort = port("management.server.port", port);
        String basePath = Objects.requireNonNullElse(property("management.endpoints.web.base-path"), "/actuator");
        Matcher url = Pattern.compile("https?://(?:localhost|127\\.0\\.0\\.1):(\\d+)(/\\S*)").matcher(compose.healthcheck(name));
        assertThat(url.find()).as("%s: healthcheck calls an HTTP URL on the container: %s", name, compose.healthcheck(name)).isTrue();
        assertThat(Integer.parseInt(url.group(1))).as("%s: healthcheck port", name).isEqualTo(managementPort);
        assertThat(url.group(2)).as("%s: healthcheck path", name).isEqualTo(basePath + "/health");
        Pattern reference = Pattern.compile("(?<![\\w.-])" + Pattern.quote(name) + ":(\\d+)");
        compose.serviceNames().forEach(other -> compose.environment(other).forEach((variable, value) -> {
            Matcher named = reference.matcher(value);
            while (named.find()) {
                assertThat(Integer.parseInt(named.group(1))).as("%s: %s=%s names %s's port", other, variable, value, name)
                        .isEqualTo(port);
            }
        }));
        assertThat(dockerfile().all("EXPOSE").stream().flatMap(expose -> Arrays.stream(expose.split("\\s+"))))
                .as("%s/Dockerfile EXPOSE", module).containsAnyOf(String.valueOf(port), port + "/tcp");
    }

    /** Built from its module's Dockerfile with the repository root as context: a ./mvnw build, then a JRE 17 as non-root. */
    void assertDockerfile() {
        Object build = compose.service(name).get("build");
        assertThat(build).as("%s: build", name).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) build;
        assertThat(compose.root().resolve(String.valueOf(map.get("context"))).normalize())
                .as("%s: build context is the repository root", name).isEqualTo(compose.root());
        assertThat(String.valueOf(map.get("dockerfile"))).as("%s: dockerfile", name).isEqualTo(module + "/Dockerfile");
        Dockerfile dockerfile = dockerfile();
        dockerfile.stages().forEach(from -> {
            if (!dockerfile.stageNames().contains(from)) {
                ComposeFile.assertPinned(from, module + "/Dockerfile");
            }
        });
        assertThat(dockerfile.all("RUN")).as("%s/Dockerfile: a RUN builds the module and what it needs with the wrapper", module)
                .anySatisfy(run -> assertThat(run).contains("./mvnw", "-pl " + module, "-am", "package"));
        assertThat(dockerfile.stages().get(dockerfile.stages().size() - 1)).as("%s/Dockerfile: runtime image", module)
                .containsPattern(":17[^ ]*jre");
        List<String> users = dockerfile.lastStage("USER");
        assertThat(users).as("%s/Dockerfile: runtime USER", module).isNotEmpty();
        assertThat(users.get(users.size() - 1).split(":")[0]).as("%s/Dockerfile: runtime USER", module).isNotIn("root", "0");
        List<String> entrypoint = dockerfile.lastStage("ENTRYPOINT");
        assertThat(entrypoint).as("%s/Dockerfile: ENTRYPOINT", module).hasSize(1);
        assertThat(entrypoint.get(0).replace(" ", "")).as("%s/Dockerfile: ENTRYPOINT", module).startsWith("[\"java\"").contains("\"-jar\"");
    }

    private Dockerfile dockerfile() {
        try {
            return Dockerfile.read(compose.root().resolve(module).resolve("Dockerfile"));
        } catch (IOException e) {
            throw new AssertionError(module + "/Dockerfile cannot be read", e);
        }
    }

    /**
     * Property names the Spring Boot configuration metadata in a service's executable jar declares (its own
     * classes, where a module runs spring-boot-configuration-processor, and every library under BOOT-INF/lib),
     * except map-typed ones, each with its declared default (null when none).
     */
    private static Map<String, String> metadata(Path bootJar) throws IOException {
        Map<String, String> names = new TreeMap<>();
        try (ZipFile jar = new ZipFile(bootJar.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                // The service's own metadata: Spring Boot's repackaging keeps the classes' META-INF at the jar's root.
                if (entry.getName().equals(METADATA) || entry.getName().equals("BOOT-INF/classes/" + METADATA)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        addMetadataNames(in, names);
                    }
                } else if (entry.getName().startsWith("BOOT-INF/lib/") && entry.getName().endsWith(".jar")) {
                    try (ZipInputStream library = new ZipInputStream(jar.getInputStream(entry))) {
                        for (ZipEntry file = library.getNextEntry(); file != null; file = library.getNextEntry()) {
                            if (file.getName().equals(METADATA)) {
                                addMetadataNames(library, names);
                            }
                        }
                    }
                }
            }
        }
        assertThat(names).as("Spring Boot configuration metadata in %s", bootJar).containsKey("server.port");
        return names;
    }

    private static void addMetadataNames(InputStream json, Map<String, String> names) throws IOException {
        for (JsonNode property : JSON.readTree(json.readAllBytes()).path("properties")) {
            if (!property.path("type").asText().startsWith("java.util.Map")) {
                JsonNode defaultValue = property.get("defaultValue");
                names.put(property.get("name").asText(), defaultValue == null || !defaultValue.isValueNode() ? null : defaultValue.asText());
            }
        }
    }
}
