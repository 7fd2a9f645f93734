package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.Distributions;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker-compose.yml (repository root) against our four services' real configuration (ingest-service,
 * stream-processor, user-store-service and the console), without Docker. The
 * file is read as Compose reads it, with .env.example's values; every environment variable it gives a
 * service must set, by Spring Boot's relaxed binding of the system environment, a property the service has
 * (a key of its application.yml or of the Spring Boot configuration metadata in its packaged jar). The
 * ports, the Kafka, registry, PostgreSQL and Cassandra addresses and the topics the services then have must
 * point at services of the file and agree between upstream and downstream. airflow/tests/test_compose.py
 * checks the Airflow side.
 */
class ComposeFileTest {

    /** Cassandra's native transport port, which the official image does not let the environment change. */
    private static final int CQL_PORT = 9042;

    private static ComposeFile compose;
    private static final Map<ServerKind, ServiceConfiguration> configurations = new EnumMap<>(ServerKind.class);

    @BeforeAll
    static void readFiles() throws IOException {
        compose = ComposeFile.read(Distributions.locate().repositoryRoot());
        for (ServerKind service : ServerKind.services()) {
            configurations.put(service, ServiceConfiguration.of(compose, service));
        }
    }

    static Set<ServerKind> services() {
        return ServerKind.services();
    }

    // --- The file as a whole ----------------------------------------------------------------------------

    @Test
    void everyDependencyIsAServiceOfTheFileAndIsWaitedForUntilHealthyOrDone() {
        compose.assertDependencies();
    }

    @Test
    void everyImageIsPinned() {
        compose.assertImagesPinned();
    }

    @Test
    void everyServiceHasAHealthcheck() {
        compose.assertHealthchecks();
    }

    @Test
    void everyVolumeIsDeclaredOrExists() {
        compose.assertVolumes();
    }

    // --- Each of our services -----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void everyEnvironmentVariableSetsAPropertyOfTheService(ServerKind service) {
        configurations.get(service).assertEnvironmentBinds();
    }

    /** The host port is local mode's (./pipeline), so a user finds the service at the same address either way. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void listensOnItsPublishedPortAndIsHealthCheckedThere(ServerKind service) {
        configurations.get(service).assertPorts(Ports.defaults().clientPort(service));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void reachesKafkaAndTheSchemaRegistryByTheirServiceNames(ServerKind service) {
        ServiceConfiguration configuration = configurations.get(service);
        compose.assertKafkaBootstrap(configuration.property("spring.kafka.bootstrap-servers"), configuration.name());
        compose.assertSchemaRegistryUrl(configuration.property("spring.kafka.properties.schema.registry.url"), configuration.name());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void isBuiltFromItsDockerfileWithTheWrapperAndRunsAsNonRootOnAJre17(ServerKind service) {
        configurations.get(service).assertDockerfile();
    }

    // --- Between services -----------------------------------------------------------------------------------

    /** ingest-service's run ledger: the postgres service of the file, its database, user and password as that service creates them. */
    @Test
    void ingestKeepsItsLedgerInThePostgresServiceWithItsCredentials() {
        ServiceConfiguration ingest = configurations.get(ServerKind.INGEST);
        Matcher url = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*").matcher(ingest.property("spring.datasource.url"));
        assertThat(url.matches()).as("spring.datasource.url %s", ingest.property("spring.datasource.url")).isTrue();
        String host = url.group(1);
        assertThat(compose.servicesOfImage("postgres")).as("spring.datasource.url names a postgres service of the file").contains(host);
        Map<String, String> postgres = compose.environment(host);
        assertThat(url.group(2) == null ? 5432 : Integer.parseInt(url.group(2))).as("PostgreSQL port")
                .isEqualTo(Integer.parseInt(postgres.getOrDefault("PGPORT", "5432")));
        assertThat(url.group(3)).as("database").isEqualTo(postgres.getOrDefault("POSTGRES_DB", postgres.getOrDefault("POSTGRES_USER", "postgres")));
        assertThat(ingest.property("spring.datasource.username")).as("user").isEqualTo(postgres.get("INGEST_DB_USER"));
        assertThat(ingest.property("spring.datasource.password")).as("password").isEqualTo(postgres.get("INGEST_DB_PASSWORD")).isNotBlank();
    }

    /**
     * Not as the superuser: ingest-service's user is a role of its own, which an init script of the postgres service
     * creates without superuser rights, with CONNECT on the ledger's database and its Flyway schema as owner.
     */
    @Test
    void ingestConnectsAsItsOwnRoleWhichThePostgresServiceCreatesWithoutSuperuserRights() throws IOException {
        ServiceConfiguration ingest = configurations.get(ServerKind.INGEST);
        String host = ingest.property("spring.datasource.url").replaceFirst("jdbc:postgresql://([^:/]+).*", "$1");
        Map<String, String> postgres = compose.environment(host);
        String superuser = postgres.getOrDefault("POSTGRES_USER", "postgres");
        assertThat(ingest.property("spring.datasource.username")).as("ingest's database user").isNotBlank().isNotEqualTo(superuser);
        assertThat(ingest.property("spring.datasource.password")).as("ingest's database password")
                .isNotEqualTo(postgres.get("POSTGRES_PASSWORD"));

        List<String> initScripts = compose.mounts(host).entrySet().stream()
                .filter(mount -> mount.getValue().startsWith("/docker-entrypoint-initdb.d/"))
                .map(Map.Entry::getKey)
                .toList();
        List<String> creatingIngest = new ArrayList<>();
        for (String script : initScripts) {
            if (Files.readString(compose.root().resolve(script)).contains("INGEST_DB_USER")) {
                creatingIngest.add(script);
            }
        }
        assertThat(creatingIngest).as("%s's init scripts creating ingest's role, of %s", host, initScripts).hasSize(1);
        String script = Files.readString(compose.root().resolve(creatingIngest.get(0)));
        assertThat(script).as(creatingIngest.get(0))
                .contains("NOSUPERUSER", "NOCREATEDB", "NOCREATEROLE")
                // The role, its password and the database as the postgres service's environment names them.
                .contains("ingest_user=\"${INGEST_DB_USER", "\\getenv ingest_password INGEST_DB_PASSWORD", "ingest_db=\"$POSTGRES_DB\"")
                .containsPattern("PASSWORD :'ingest_password'")
                .containsPattern("CREATE ROLE :\"ingest_user\" LOGIN")
                .containsPattern("GRANT CONNECT ON DATABASE :\"ingest_db\" TO :\"ingest_user\"")
                .containsPattern("CREATE SCHEMA " + Pattern.quote(ingest.property("spring.flyway.schemas")) + " AUTHORIZATION :\"ingest_user\"")
                // Upper case: the SQL, not the comments.
                .doesNotContainPattern("\\bSUPERUSER\\b")
                .doesNotContainPattern("GRANT\\s+ALL");
    }

    /** user-store-service's contact points are cassandra services of the file, the local data center is theirs, the keyspace's replicas fit. */
    @Test
    void storeWritesToTheCassandraServiceInItsDataCenter() {
        ServiceConfiguration store = configurations.get(ServerKind.STORE);
        List<String> nodes = compose.cassandraNodes();
        assertThat(nodes).as("cassandra services in the file").isNotEmpty();
        for (String contactPoint : store.property("spring.cassandra.contact-points").split(",")) {
            String[] hostPort = contactPoint.strip().split(":");
            assertThat(nodes).as("contact point %s is a cassandra service of the file", contactPoint).contains(hostPort[0]);
            assertThat(hostPort.length == 2 ? Integer.parseInt(hostPort[1]) : store.port("spring.cassandra.port", CQL_PORT))
                    .as("CQL port of %s", contactPoint).isEqualTo(CQL_PORT);
            Map<String, String> node = compose.environment(hostPort[0]);
            String dataCenter = "GossipingPropertyFileSnitch".equals(node.get("CASSANDRA_ENDPOINT_SNITCH"))
                    ? node.getOrDefault("CASSANDRA_DC", "dc1") : "datacenter1";
            assertThat(store.property("spring.cassandra.local-datacenter")).as("local data center of %s", contactPoint).isEqualTo(dataCenter);
        }
        // Every number in the replication map: replication_factor, or the replicas per data center.
        Matcher factors = Pattern.compile("'[^']+'\\s*:\\s*'?(\\d+)").matcher(store.property("userstream.store.cassandra.replication"));
        assertThat(factors.find()).as("keyspace replication %s", store.property("userstream.store.cassandra.replication")).isTrue();
        do {
            assertThat(Integer.parseInt(factors.group(1))).as("keyspace replicas, with %d Cassandra node(s) in the file", nodes.size())
                    .isBetween(1, nodes.size());
        } while (factors.find());
    }

    /**
     * Every Cassandra node runs with PasswordAuthenticator and CassandraAuthorizer (set by its entrypoint script
     * in the image's cassandra.yaml), so a session without credentials is refused.
     */
    @Test
    void everyCassandraNodeRequiresALoginAndAuthorizes() throws IOException {
        assertThat(compose.cassandraNodes()).isNotEmpty();
        for (String node : compose.cassandraNodes()) {
            Object entrypoint = compose.service(node).get("entrypoint");
            assertThat(entrypoint).as("entrypoint of %s", node).isInstanceOf(List.class);
            String script = ((List<?>) entrypoint).get(1).toString();
            String mounted = mountSource(node, script);
            String text = java.nio.file.Files.readString(compose.root().resolve(mounted));
            assertThat(text).as("%s (entrypoint of %s)", mounted, node)
                    .contains("s/AllowAllAuthenticator/PasswordAuthenticator/", "s/AllowAllAuthorizer/CassandraAuthorizer/")
                    .contains("exec docker-entrypoint.sh");
            assertThat(compose.healthcheck(node)).as("healthcheck of %s logs in", node).contains("cqlsh -u ");
        }
    }

    /**
     * user-store-service logs in to Cassandra with its own role, which cassandra-init creates with the same
     * password before the store starts; never the superuser (the admin of .env or the default cassandra).
     */
    @Test
    void storeLogsInToCassandraWithItsOwnRoleNotTheSuperuser() {
        ServiceConfiguration store = configurations.get(ServerKind.STORE);
        String username = store.property("spring.cassandra.username");
        String password = store.property("spring.cassandra.password");
        assertThat(username).as("spring.cassandra.username of user-store-service").isNotBlank().isNotEqualTo("cassandra");
        assertThat(password).as("spring.cassandra.password of user-store-service").isNotBlank();
        List<String> initJobs = compose.oneShotJobs().stream().filter(compose.servicesOfImage("cassandra")::contains).toList();
        assertThat(initJobs).as("the one-shot job that creates Cassandra's roles").hasSize(1);
        String init = initJobs.get(0);
        Map<String, String> roles = compose.environment(init);
        assertThat(username).as("the store's role").isEqualTo(roles.get("CASSANDRA_USER_STORE_USER"))
                .isNotEqualTo(roles.get("CASSANDRA_ADMIN_USER"));
        assertThat(password).as("the store's password").isEqualTo(roles.get("CASSANDRA_USER_STORE_PASSWORD"))
                .isNotEqualTo(roles.get("CASSANDRA_ADMIN_PASSWORD"));
        assertThat(compose.dependsOn(store.name())).as("user-store-service waits for %s", init)
                .containsEntry(init, "service_completed_successfully");
        Object entrypoint = compose.service(init).get("entrypoint");
        assertThat(entrypoint).as("entrypoint of %s", init).isInstanceOf(List.class);
        assertThat(compose.root().resolve(mountSource(init, ((List<?>) entrypoint).get(1).toString()))).as("%s's roles script", init)
                .content().contains("GRANT CREATE ON ALL KEYSPACES TO", "DROP ROLE IF EXISTS cassandra").contains("WITH PASSWORD = '$store_password' AND LOGIN = true;");
    }

    /** The host path a service bind-mounts at {@code target}. */
    private static String mountSource(String service, String target) {
        Object volumes = compose.service(service).get("volumes");
        assertThat(volumes).as("volumes of %s", service).isInstanceOf(List.class);
        return ((List<?>) volumes).stream().map(Object::toString)
                .filter(volume -> volume.split(":").length >= 2 && volume.split(":")[1].equals(target))
                .map(volume -> volume.split(":")[0])
                .findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + target));
    }

    /**
     * With .env.example's values, every published port listens on the loopback address only: Kafka, Cassandra and the
     * registry do not ask for credentials, and a stack started on a cloud VM must not be open to the internet.
     */
    @Test
    void everyPublishedPortBindsToLoopbackUnlessToldOtherwise() throws IOException {
        assertThat(ComposeFile.readEnvFile(compose.root().resolve(".env.example"))).containsEntry("USERSTREAM_BIND_ADDRESS", "127.0.0.1");
        for (String service : compose.serviceNames()) {
            assertThat(compose.publishedAddresses(service)).as("host addresses of the ports %s publishes", service)
                    .allMatch("127.0.0.1"::equals);
        }
    }

    /**
     * A write a Cassandra node acknowledged survives a crash of that node: the image's default commit log
     * (periodic) acknowledges before the entry is durable, and the store commits its offsets on acknowledgement.
     */
    @Test
    void everyCassandraNodeAcknowledgesAWriteOnlyOnceItsCommitLogIsSynced() {
        for (String node : compose.cassandraNodes()) {
            List<String> options = List.of(compose.environment(node).getOrDefault("JVM_EXTRA_OPTS", "").trim().split("\\s+"));
            assertThat(options).as("JVM_EXTRA_OPTS of %s", node).contains(
                    "-Dcassandra.config.allow_system_properties=true",
                    "-Dcassandra.settings.commitlog_sync=batch",
                    "-Dcassandra.settings.commitlog_sync_period=0ms");
        }
    }

    /** ingest-service → users_created → stream-processor → users_processed, user_stats, users_dlq → user-store-service. */
    @Test
    void eachServiceReadsTheTopicsItsUpstreamWrites() {
        ServiceConfiguration ingest = configurations.get(ServerKind.INGEST);
        ServiceConfiguration processor = configurations.get(ServerKind.PROCESSOR);
        ServiceConfiguration store = configurations.get(ServerKind.STORE);
        String usersCreated = processor.property("userstream.processor.topics.users-created");
        String usersProcessed = processor.property("userstream.processor.topics.users-processed");
        String userStats = processor.property("userstream.processor.topics.user-stats");
        String deadLetter = processor.property("userstream.processor.topics.dead-letter");
        assertThat(List.of(usersCreated, usersProcessed, userStats, deadLetter)).as("stream-processor's four topics")
                .doesNotContainNull().doesNotHaveDuplicates();
        assertThat(ingest.property("ingest.publish.topic")).as("stream-processor reads the topic ingest-service publishes to")
                .isNotBlank().isEqualTo(usersCreated);
        assertThat(store.property("userstream.store.kafka.users-topic")).as("user-store-service stores the users stream-processor writes")
                .isNotBlank().isEqualTo(usersProcessed);
        assertThat(store.property("userstream.store.kafka.stats-topic")).as("user-store-service stores the stats stream-processor writes")
                .isNotBlank().isEqualTo(userStats);
        assertThat(store.property("userstream.store.kafka.dlq-topic")).as("user-store-service counts the dead letters stream-processor writes")
                .isNotBlank().isEqualTo(deadLetter);
        assertThat(processor.property("spring.kafka.streams.properties.errors.dead.letter.queue.topic.name"))
                .as("Kafka Streams' own dead-letter topic").isEqualTo(deadLetter);
    }

    /** Whichever service starts first creates a shared topic: all must agree, and one broker holds one replica. */
    @Test
    void theServicesCreateSharedTopicsAlikeWithReplicasTheBrokersCanHold() {
        ServiceConfiguration ingest = configurations.get(ServerKind.INGEST);
        ServiceConfiguration processor = configurations.get(ServerKind.PROCESSOR);
        ServiceConfiguration store = configurations.get(ServerKind.STORE);
        String partitions = processor.property("userstream.processor.topics.partitions");
        assertThat(ingest.property("ingest.publish.partitions")).as("partitions of the topics ingest-service creates").isEqualTo(partitions);
        assertThat(store.property("userstream.store.kafka.partitions")).as("partitions of the topics user-store-service creates").isEqualTo(partitions);
        ServiceConfiguration console = configurations.get(ServerKind.CONSOLE);
        List.of(Map.entry(ingest, "ingest.publish.replication-factor"),
                Map.entry(processor, "userstream.processor.topics.replication-factor"),
                Map.entry(store, "userstream.store.kafka.replication-factor"),
                Map.entry(console, "userstream.console.topics.replication-factor")).forEach(replication ->
                assertThat(Integer.parseInt(replication.getKey().property(replication.getValue())))
                        .as("%s: %s, with %d broker(s) in the file", replication.getKey().name(), replication.getValue(), compose.brokerCount())
                        .isBetween(1, compose.brokerCount()));
    }

    /** exactly_once_v2 needs the broker's transaction log, whose defaults (3 replicas, min ISR 2) one broker cannot hold. */
    @Test
    void theProcessorsExactlyOnceHasATransactionLogTheBrokersCanHold() {
        assertThat(configurations.get(ServerKind.PROCESSOR).property("spring.kafka.streams.properties.processing.guarantee"))
                .startsWith("exactly_once");
        for (String broker : compose.brokers()) {
            Map<String, String> env = compose.environment(broker);
            int replicas = Integer.parseInt(env.getOrDefault("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "3"));
            assertThat(replicas).as("%s: transaction log replicas", broker).isBetween(1, compose.brokerCount());
            assertThat(Integer.parseInt(env.getOrDefault("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "2")))
                    .as("%s: transaction log min ISR", broker).isBetween(1, replicas);
        }
    }

    // --- The console -----------------------------------------------------------------------------------------

    /**
     * The console calls the services and Airflow over HTTP: each URL names that service of the file and the port
     * it listens on (its application.yml's 127.0.0.1 default would reach nothing inside a container).
     */
    @Test
    void theConsoleCallsTheServicesOfTheFileAtThePortsTheyListenOn() {
        ServiceConfiguration console = configurations.get(ServerKind.CONSOLE);
        Map<String, ServerKind> watched = Map.of(
                "userstream.console.ingest-url", ServerKind.INGEST,
                "userstream.console.store-url", ServerKind.STORE,
                "userstream.console.processor-url", ServerKind.PROCESSOR);
        watched.forEach((property, service) -> {
            URI url = URI.create(Objects.requireNonNull(console.property(property), property));
            assertThat(url.getScheme()).as("console: %s=%s", property, url).isEqualTo("http");
            assertThat(url.getHost()).as("console: %s=%s names %s's service", property, url, service.displayName())
                    .isEqualTo(service.displayName());
            assertThat(url.getPort()).as("console: %s=%s uses the port %s listens on", property, url, service.displayName())
                    .isEqualTo(configurations.get(service).port("server.port", 8080));
            assertThat(url.getPath()).as("console: %s=%s is the service's root", property, url).isIn("", "/");
        });
    }

    /** Airflow's URL names the service running Airflow's API server (the UI and the REST API) and its port. */
    @Test
    void theConsoleLinksToTheAirflowApiServerOfTheFile() {
        String property = "userstream.console.airflow-url";
        URI url = URI.create(Objects.requireNonNull(configurations.get(ServerKind.CONSOLE).property(property), property));
        assertThat(url.getScheme()).as("console: %s=%s", property, url).isEqualTo("http");
        assertThat(compose.serviceNames()).as("console: %s=%s names a service of the file", property, url).contains(url.getHost());
        Object command = compose.service(url.getHost()).get("command");
        assertThat(command instanceof List<?> list ? list.stream().map(Object::toString).toList() : List.of(String.valueOf(command)))
                .as("console: %s=%s names the service running Airflow's api-server", property, url).contains("api-server");
        int port = Integer.parseInt(compose.environment(url.getHost()).getOrDefault("AIRFLOW__API__PORT", "8080"));
        assertThat(url.getPort()).as("console: %s=%s uses the api-server's port", property, url).isEqualTo(port);
        assertThat(compose.ports(url.getHost())).as("%s: published ports [host, container]", url.getHost())
                .anySatisfy(mapping -> assertThat(mapping[1]).isEqualTo(port));
    }

    /**
     * The console shows the pipeline's own topics and the processor's Kafka Streams group, and re-drives dead
     * letters into the topic the processor reads; its audit topic is a topic of its own.
     */
    @Test
    void theConsoleReadsThePipelinesTopicsAndTheProcessorsGroup() {
        ServiceConfiguration console = configurations.get(ServerKind.CONSOLE);
        ServiceConfiguration processor = configurations.get(ServerKind.PROCESSOR);
        Map.of("userstream.console.topics.created", "userstream.processor.topics.users-created",
                "userstream.console.topics.processed", "userstream.processor.topics.users-processed",
                "userstream.console.topics.stats", "userstream.processor.topics.user-stats",
                "userstream.console.topics.dead-letters", "userstream.processor.topics.dead-letter").forEach((mine, theirs) ->
                assertThat(console.property(mine)).as("console: %s is stream-processor's %s", mine, theirs)
                        .isNotBlank().isEqualTo(processor.property(theirs)));
        assertThat(console.property("userstream.console.streams-application-id")).as("console: the processor's Streams group")
                .isNotBlank().isEqualTo(processor.property("spring.kafka.streams.application-id"));
        assertThat(console.property("userstream.console.topics.redrive-audit")).as("console: its re-drive audit topic")
                .isNotBlank()
                .isNotIn(processor.property("userstream.processor.topics.users-created"),
                        processor.property("userstream.processor.topics.users-processed"),
                        processor.property("userstream.processor.topics.user-stats"),
                        processor.property("userstream.processor.topics.dead-letter"));
    }

    /**
     * The console waits, healthy, for the Kafka and registry it reads, but not for the services and Airflow it
     * watches: it shows those as down, and is where to look when one of them does not come up.
     */
    @Test
    void theConsoleWaitsForKafkaAndTheRegistryButNotForWhatItWatches() {
        ServiceConfiguration console = configurations.get(ServerKind.CONSOLE);
        Map<String, String> dependsOn = compose.dependsOn(console.name());
        String broker = console.property("spring.kafka.bootstrap-servers").split(",")[0].strip()
                .replaceFirst("^[A-Za-z_]+://", "").split(":")[0];
        String registry = URI.create(console.property("spring.kafka.properties.schema.registry.url")).getHost();
        assertThat(dependsOn).as("console: depends_on").containsEntry(broker, "service_healthy").containsEntry(registry, "service_healthy");
        for (String property : List.of("userstream.console.ingest-url", "userstream.console.store-url",
                "userstream.console.processor-url", "userstream.console.airflow-url")) {
            assertThat(dependsOn).as("console: depends_on, the service of %s", property)
                    .doesNotContainKey(URI.create(console.property(property)).getHost());
        }
    }
}
