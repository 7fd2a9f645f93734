package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.Distributions;
import io.userstream.localstack.KafkaAcls;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeFileTest {

    /** Cassandra's native transport port, which the official image does not let the environment change. */
    private static final int CQL_PORT = 9042;

    protected ComposeFile compose;
    protected final Map<ServerKind, ServiceConfiguration> configurations = new EnumMap<>(ServerKind.class);

    /** The Compose files of the project under test, in the order of {@code docker compose -f ... -f ...}. */
    protected List<String> composeFiles() {
        return List.of("docker-compose.yml");
    }

    @BeforeAll
    void readFiles() throws IOException {
        compose = ComposeFile.read(Distributions.locate().repositoryRoot(), composeFiles());
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
        compose.assertKafkaBootstrap(configuration.property("spring.kafka.bootstrap-servers"),
                configuration.property("spring.kafka.security.protocol"), configuration.name());
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
    private String mountSource(String service, String target) {
        Object volumes = compose.service(service).get("volumes");
        assertThat(volumes).as("volumes of %s", service).isInstanceOf(List.class);
        return ((List<?>) volumes).stream().map(Object::toString)
                .filter(volume -> volume.split(":").length >= 2 && volume.split(":")[1].equals(target))
                .map(volume -> volume.split(":")[0])
                .findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + target));
    }

    /**
     * With .env.example's values, every published port listens on the loopback address only: the registry asks for
     * no credentials, Kafka's travel unencrypted, and a stack started on a cloud VM must not be open to the internet.
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

    /**
     * userstream.topics (common-schema's TopicLayout) is the one place the topics are set: every service binds it, so
     * each reads the topics its upstream writes, and whatever compose sets of it, it sets alike for every service. The
     * replicas must fit the brokers in the file, and acks=all needs no more in-sync replicas than there are replicas.
     */
    @Test
    void everyServiceHasTheSameTopicLayoutAndTheBrokersCanHoldIt() {
        List<ServiceConfiguration> services = ServerKind.services().stream().map(configurations::get).toList();
        Set<String> keys = services.get(0).knownProperties("userstream.topics.");
        assertThat(keys).as("userstream.topics in %s's jar", services.get(0).name())
                .contains("userstream.topics.users-created", "userstream.topics.partitions", "userstream.topics.replication-factor");
        for (ServiceConfiguration service : services) {
            assertThat(service.knownProperties("userstream.topics.")).as("%s binds userstream.topics", service.name()).isEqualTo(keys);
            for (String key : keys) {
                assertThat(service.propertyOrDefault(key)).as("%s: %s", service.name(), key)
                        .isNotBlank().isEqualTo(services.get(0).propertyOrDefault(key));
            }
        }
        ServiceConfiguration any = services.get(0);
        int replicas = Integer.parseInt(any.propertyOrDefault("userstream.topics.replication-factor"));
        assertThat(replicas).as("userstream.topics.replication-factor, with %d broker(s) in the file", compose.brokerCount())
                .isBetween(1, compose.brokerCount());
        assertThat(Integer.parseInt(any.propertyOrDefault("userstream.topics.min-insync-replicas")))
                .as("userstream.topics.min-insync-replicas").isBetween(1, replicas);
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

    // --- Kafka: logins and ACLs -------------------------------------------------------------------------------

    /**
     * What the principals of Compose alone may do (the services' grants are local mode's {@link KafkaAcls}): principal,
     * resource type, pattern type, name, operations. Everything else is refused.
     */
    private static final List<String> COMPOSE_ONLY_ACLS = List.of(
            "schema-registry     TOPIC             LITERAL   _schemas                  ALL",
            "schema-registry     GROUP             PREFIXED  schema-registry           READ DESCRIBE",

            "control-center      CLUSTER           LITERAL   kafka-cluster             DESCRIBE DESCRIBE_CONFIGS",
            "control-center      TOPIC             LITERAL   *                         DESCRIBE DESCRIBE_CONFIGS READ",
            "control-center      GROUP             LITERAL   *                         DESCRIBE",
            "control-center      TOPIC             LITERAL   _confluent-command        CREATE DESCRIBE DESCRIBE_CONFIGS READ WRITE",
            "control-center      TOPIC             PREFIXED  _confluent-controlcenter  CREATE DESCRIBE DESCRIBE_CONFIGS READ WRITE",
            "control-center      TOPIC             LITERAL   _confluent-monitoring     CREATE DESCRIBE DESCRIBE_CONFIGS READ WRITE",
            "control-center      GROUP             PREFIXED  _confluent-controlcenter  READ DESCRIBE");

    private static final String ADMIN = "admin";
    private static final Pattern PLAIN_SERVER_LOGIN =
            Pattern.compile("org\\.apache\\.kafka\\.common\\.security\\.plain\\.PlainLoginModule required((?: \\w+=\"[^\"]*\")+);");
    private static final Pattern JAAS_OPTION = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /**
     * Every listener of every broker asks for a login (a SASL protocol; none maps to PLAINTEXT): the controller's with
     * PLAIN only, the clients' with SCRAM-SHA-256 and PLAIN. PLAIN knows admin alone; the SCRAM users live in the
     * cluster's metadata (kafka-init). The broker logs in to itself and its controller as admin, and authorizes every
     * request by ACLs: admin is the only super user, and what no ACL allows is refused.
     */
    @Test
    void everyKafkaListenerAsksForALoginAndTheBrokerAuthorizesByAcls() {
        assertThat(compose.brokers()).isNotEmpty();
        for (String broker : compose.brokers()) {
            Map<String, String> settings = compose.brokerSettings(broker);
            Map<String, String> protocols = new LinkedHashMap<>();
            for (String entry : settings.getOrDefault("listener.security.protocol.map", "").split(",")) {
                String[] pair = entry.strip().split(":", 2);
                assertThat(pair).as("%s: listener.security.protocol.map entry %s", broker, entry).hasSize(2);
                protocols.put(pair[0], pair[1]);
            }
            assertThat(protocols).as("%s: listener.security.protocol.map", broker).isNotEmpty()
                    .allSatisfy((listener, protocol) -> assertThat(protocol).as("%s: protocol of listener %s", broker, listener)
                            .isIn("SASL_PLAINTEXT", "SASL_SSL"));
            List<String> listeners = Arrays.stream(settings.get("listeners").split(",")).map(l -> l.strip().split("://")[0]).toList();
            // A listener the map does not name is the protocol of its name: PLAINTEXT://... would be open.
            assertThat(protocols).as("%s: listener.security.protocol.map names every listener", broker).containsKeys(listeners.toArray(String[]::new));
            String controller = settings.get("controller.listener.names");
            assertThat(listeners).as("%s: listeners", broker).contains(controller, settings.get("inter.broker.listener.name"));

            Set<String> adminPasswords = new HashSet<>();
            for (String listener : listeners) {
                String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
                List<String> mechanisms = List.of(settings.getOrDefault(prefix + "sasl.enabled.mechanisms", "").split(","));
                if (listener.equals(controller)) {
                    assertThat(mechanisms).as("%s: %ssasl.enabled.mechanisms", broker, prefix).containsExactly("PLAIN");
                } else {
                    assertThat(mechanisms).as("%s: %ssasl.enabled.mechanisms", broker, prefix).containsExactlyInAnyOrder("SCRAM-SHA-256", "PLAIN");
                    assertThat(settings).as("%s: SCRAM on %s, its users in the metadata", broker, listener)
                            .containsEntry(prefix + "scram-sha-256.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
                }
                Map<String, String> plain = plainServerLogin(settings.get(prefix + "plain.sasl.jaas.config"), broker + ": " + prefix + "plain.sasl.jaas.config");
                assertThat(plain).as("%s: %splain.sasl.jaas.config: the broker's own login as admin, and admin the only PLAIN user", broker, prefix)
                        .containsOnlyKeys("username", "password", "user_" + ADMIN)
                        .containsEntry("username", ADMIN);
                assertThat(plain.get("password")).as("%s: admin's password on %s", broker, listener).isNotBlank().isEqualTo(plain.get("user_" + ADMIN));
                adminPasswords.add(plain.get("password"));
            }
            assertThat(adminPasswords).as("%s: admin's password, the same on every listener", broker).hasSize(1);
            assertThat(settings).as("%s: broker settings", broker)
                    .containsEntry("sasl.mechanism.inter.broker.protocol", "PLAIN")
                    .containsEntry("sasl.mechanism.controller.protocol", "PLAIN")
                    .containsEntry("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                    .containsEntry("super.users", "User:" + ADMIN)
                    .containsEntry("allow.everyone.if.no.acl.found", "false");
        }
    }

    /**
     * The broker's healthcheck logs in as admin, from a client file the entrypoint writes from the environment (the
     * password on no command line), with the admin password of the broker's listeners.
     */
    @Test
    void theBrokersHealthcheckLogsInAsAdminFromAFile() throws IOException {
        for (String broker : compose.brokers()) {
            Matcher config = Pattern.compile("--command-config (\\S+)").matcher(compose.healthcheck(broker));
            assertThat(config.find()).as("%s: the healthcheck logs in (--command-config): %s", broker, compose.healthcheck(broker)).isTrue();
            Path entrypoint = compose.entrypointScript(broker);
            assertThat(entrypoint).as("%s's entrypoint", broker).content()
                    .contains("config=" + config.group(1), "'security.protocol=SASL_PLAINTEXT'", "'sasl.mechanism=PLAIN'",
                            "PlainLoginModule required username=\\\"" + ADMIN + "\\\" password=\\\"${USERSTREAM_KAFKA_ADMIN_PASSWORD:?}\\\";",
                            "umask 077", "exec /etc/confluent/docker/run");
            String password = compose.environment(broker).get("USERSTREAM_KAFKA_ADMIN_PASSWORD");
            assertThat(password).as("%s: USERSTREAM_KAFKA_ADMIN_PASSWORD is admin's password", broker)
                    .isEqualTo(plainServerLogin(compose.brokerSettings(broker).get("listener.name.controller.plain.sasl.jaas.config"), broker).get("password"));
            assertThat(compose.healthcheck(broker)).as("%s: healthcheck", broker).doesNotContain(password);
        }
    }

    /** Each service logs in to Kafka with SCRAM-SHA-256 as a principal of its own, named as the service. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void logsInToKafkaAsItsOwnPrincipal(ServerKind service) {
        ServiceConfiguration configuration = configurations.get(service);
        assertThat(configuration.property("spring.kafka.security.protocol")).as("%s: spring.kafka.security.protocol", configuration.name())
                .isEqualTo("SASL_PLAINTEXT");
        assertThat(configuration.property("spring.kafka.properties.sasl.mechanism")).as("%s: spring.kafka.properties.sasl.mechanism", configuration.name())
                .isEqualTo("SCRAM-SHA-256");
        ComposeFile.ScramLogin login = ComposeFile.ScramLogin.parse(configuration.name(), "spring.kafka.properties.sasl.jaas.config",
                configuration.property("spring.kafka.properties.sasl.jaas.config"));
        assertThat(login).as("%s: spring.kafka.properties.sasl.jaas.config is a SCRAM login", configuration.name()).isNotNull();
        assertThat(login.principal()).as("%s: its principal", configuration.name()).isEqualTo(configuration.name());
        assertThat(login.password()).as("%s: its Kafka password", configuration.name()).isNotBlank();
    }

    /**
     * The schema registry keeps its schemas in Kafka and Control Center reads Kafka: each logs in as a SCRAM principal
     * named as its service, on a SASL listener of the file.
     */
    @Test
    void theRegistryAndControlCenterLogInToKafkaAsTheirOwnPrincipals() {
        Map<String, String> prefixes = Map.of(
                "confluentinc/cp-schema-registry", "SCHEMA_REGISTRY_KAFKASTORE_",
                "confluentinc/cp-enterprise-control-center-next-gen", "CONTROL_CENTER_STREAMS_");
        prefixes.forEach((image, prefix) -> {
            assertThat(compose.servicesOfImage(image)).as("services of %s", image).isNotEmpty();
            for (String service : compose.servicesOfImage(image)) {
                Map<String, String> env = compose.environment(service);
                assertThat(env).as("%s: environment", service)
                        .containsEntry(prefix + "SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                        .containsEntry(prefix + "SASL_MECHANISM", "SCRAM-SHA-256");
                ComposeFile.ScramLogin login = ComposeFile.ScramLogin.parse(service, prefix + "SASL_JAAS_CONFIG", env.get(prefix + "SASL_JAAS_CONFIG"));
                assertThat(login).as("%s: %sSASL_JAAS_CONFIG is a SCRAM login", service, prefix).isNotNull();
                assertThat(login.principal()).as("%s: its principal", service).isEqualTo(service);
                String bootstrap = env.getOrDefault("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", env.get("CONTROL_CENTER_BOOTSTRAP_SERVERS"));
                compose.assertKafkaBootstrap(bootstrap, "SASL_PLAINTEXT", service);
            }
        });
    }

    /**
     * kafka-init, a one-shot job after the brokers are healthy, creates a SCRAM user for every principal a client of
     * the file logs in as, with that client's password, and for no other; every such client waits for it. No two
     * services share a principal.
     */
    @Test
    void kafkaInitCreatesThePrincipalEveryClientLogsInAsWithItsPassword() throws IOException {
        String init = kafkaInit();
        assertThat(compose.service(init).get("restart")).as("%s: restart", init).isEqualTo("no");
        for (String broker : compose.brokers()) {
            assertThat(compose.dependsOn(init)).as("%s waits for %s", init, broker).containsEntry(broker, "service_healthy");
        }
        Map<String, String> users = KafkaInitScript.read(compose.entrypointScript(init)).users();
        Map<String, String> env = compose.environment(init);
        List<ComposeFile.ScramLogin> logins = compose.scramLogins();
        assertThat(logins).as("SCRAM logins in the file").isNotEmpty();
        Map<String, String> serviceOfPrincipal = new LinkedHashMap<>();
        for (ComposeFile.ScramLogin login : logins) {
            if (login.service().equals(init)) {
                continue;
            }
            // Instances of one service (user-store-service-2 of the cluster's overlay) share its principal.
            String other = serviceOfPrincipal.putIfAbsent(login.principal(), compose.instanceOf(login.service()));
            assertThat(other).as("principal %s: %s's alone", login.principal(), login.service()).isIn(null, compose.instanceOf(login.service()));
            assertThat(users).as("%s's users (%s logs in as %s)", init, login.service(), login.principal()).containsKey(login.principal());
            assertThat(env.get(users.get(login.principal()))).as("%s: %s, %s's password (%s)", init, users.get(login.principal()),
                    login.principal(), login.variable()).isNotBlank().isEqualTo(login.password());
            assertThat(compose.dependsOn(login.service())).as("%s waits for %s", login.service(), init)
                    .containsEntry(init, "service_completed_successfully");
        }
        assertThat(users.keySet()).as("%s creates the principals the clients log in as, no other", init)
                .containsExactlyInAnyOrderElementsOf(serviceOfPrincipal.keySet());
        String adminPassword = plainServerLogin(compose.brokerSettings(compose.brokers().get(0))
                .get("listener.name.controller.plain.sasl.jaas.config"), "broker").get("password");
        assertThat(env.get("KAFKA_ADMIN_PASSWORD")).as("%s logs in as admin with the broker's password", init).isEqualTo(adminPassword);
        compose.assertKafkaBootstrap(env.get("KAFKA_BOOTSTRAP_SERVERS"), "SASL_PLAINTEXT", init);
    }

    /** kafka-init's table of ACLs (docker/kafka/kafka-init.sh, where docs/security.md points) is the contract. */
    @Test
    void kafkaInitsAclTableIsTheContract() throws IOException {
        List<KafkaInitScript.Acl> table = KafkaInitScript.read(compose.entrypointScript(kafkaInit())).acls();
        assertThat(table).as("kafka-init.sh's ACL table").doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(contractedAcls());
    }

    /**
     * kafka-init, run here with stand-ins for kafka-configs and kafka-acls: as admin, it sets each principal's SCRAM
     * credentials to its password and adds exactly the contracted ACLs, and no password is ever an argument of a tool
     * (`ps` would show it); they go in files.
     */
    @Test
    void kafkaInitSetsEveryCredentialAndTheContractedAclsWithNoPasswordOnACommandLine(@TempDir Path work) throws Exception {
        String init = kafkaInit();
        KafkaInitScript script = KafkaInitScript.read(compose.entrypointScript(init));
        Map<String, String> env = withoutPlaceholders(compose.environment(init));
        Shell run = script.run(env, work);
        assertThat(run.exitCode()).as("kafka-init's exit code; stderr: %s", run.err()).isZero();
        KafkaInitScript.Calls calls = script.calls(work);

        assertThat(calls.acls()).as("ACLs kafka-init adds").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(contractedAcls());
        Map<String, String> expected = new LinkedHashMap<>();
        script.users().forEach((principal, variable) -> expected.put(principal, env.get(variable)));
        assertThat(calls.scramPasswords()).as("SCRAM-SHA-256 passwords kafka-init sets").isEqualTo(expected);
        String adminConfig = "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\""
                + env.get("KAFKA_ADMIN_PASSWORD") + "\";\n";
        assertThat(calls.adminConfigs()).as("the login of every call").isNotEmpty().containsOnly(adminConfig);
        List<String> passwords = env.entrySet().stream().filter(e -> e.getKey().endsWith("_PASSWORD")).map(Map.Entry::getValue).toList();
        assertThat(calls.arguments()).as("arguments of the Kafka tools")
                .allSatisfy(argument -> assertThat(passwords).noneMatch(argument::contains));
        try (var left = Files.list(work.resolve("tmp"))) {
            assertThat(left).as("files kafka-init leaves behind (they hold passwords)").isEmpty();
        }
    }

    /** With .env.example's placeholders, kafka-init refuses to run, naming them, before it calls any tool. */
    @Test
    void kafkaInitRefusesThePlaceholders(@TempDir Path work) throws Exception {
        String init = kafkaInit();
        KafkaInitScript script = KafkaInitScript.read(compose.entrypointScript(init));
        Shell run = script.run(compose.environment(init), work);
        assertThat(run.exitCode()).as("kafka-init's exit code with .env.example's passwords").isNotZero();
        assertThat(run.err()).contains("KAFKA_ADMIN_PASSWORD", "placeholder");
        assertThat(script.calls(work).arguments()).as("tool calls").isEmpty();
    }

    /** The one-shot job of a Kafka image: kafka-init. */
    private String kafkaInit() {
        assertThat(compose.kafkaJobs()).as("the one-shot job that creates Kafka's principals and ACLs").hasSize(1);
        return compose.kafkaJobs().get(0);
    }

    /** The services' grants exactly as local mode's broker has them ({@link KafkaAcls}), then Compose's own principals'. */
    private static List<KafkaInitScript.Acl> contractedAcls() {
        List<KafkaInitScript.Acl> acls = new ArrayList<>();
        for (AclBinding binding : KafkaAcls.all()) {
            acls.add(new KafkaInitScript.Acl(binding.entry().principal().substring("User:".length()), binding.pattern().resourceType().name(),
                    binding.pattern().patternType().name(), binding.pattern().name(), binding.entry().operation().name()));
        }
        for (String line : COMPOSE_ONLY_ACLS) {
            String[] words = line.split("\\s+");
            for (int i = 4; i < words.length; i++) {
                acls.add(new KafkaInitScript.Acl(words[0], words[1], words[2], words[3], words[i]));
            }
        }
        return acls;
    }

    /** The options of a broker's PLAIN JAAS configuration (username, password, user_<name>). */
    private static Map<String, String> plainServerLogin(String jaasConfig, String where) {
        assertThat(jaasConfig).as(where).isNotNull();
        Matcher login = PLAIN_SERVER_LOGIN.matcher(jaasConfig);
        assertThat(login.matches()).as("%s is a PlainLoginModule configuration: %s", where, jaasConfig).isTrue();
        Map<String, String> options = new LinkedHashMap<>();
        Matcher option = JAAS_OPTION.matcher(login.group(1));
        while (option.find()) {
            assertThat(options.put(option.group(1), option.group(2))).as("%s: %s given once", where, option.group(1)).isNull();
        }
        return options;
    }

    /** The environment with each change-me placeholder of .env.example replaced by a password of its own. */
    private static Map<String, String> withoutPlaceholders(Map<String, String> environment) {
        Map<String, String> result = new LinkedHashMap<>(environment);
        result.replaceAll((variable, value) -> value.startsWith("change-me")
                ? "Pw-" + variable.toLowerCase(Locale.ROOT).replace('_', '-') + "." + Integer.toHexString(variable.hashCode()) + "~9"
                : value);
        return result;
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
     * The console shows the processor's Kafka Streams group (the pipeline's topics are userstream.topics, as in every
     * service); its audit topic is a topic of its own.
     */
    @Test
    void theConsoleReadsThePipelinesTopicsAndTheProcessorsGroup() {
        ServiceConfiguration console = configurations.get(ServerKind.CONSOLE);
        ServiceConfiguration processor = configurations.get(ServerKind.PROCESSOR);
        assertThat(console.property("userstream.console.streams-application-id")).as("console: the processor's Streams group")
                .isNotBlank().isEqualTo(processor.property("spring.kafka.streams.application-id"));
        assertThat(console.property("userstream.console.topics.redrive-audit")).as("console: its re-drive audit topic")
                .isNotBlank()
                .isNotIn(console.propertyOrDefault("userstream.topics.users-created"),
                        console.propertyOrDefault("userstream.topics.users-processed"),
                        console.propertyOrDefault("userstream.topics.user-stats"),
                        console.propertyOrDefault("userstream.topics.dead-letter"));
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

    // --- Secrets ----------------------------------------------------------------------------------------------

    /** The one-shot job that checks every secret of .env before anything else starts. */
    private static final String SECRETS_CHECK = "secrets-check";

    /**
     * Every secret .env.example holds a change-me placeholder for is a variable secrets-check looks at (named in its
     * command, given to it as that very variable, required unless marked optional), and every other service of the
     * file waits for the check to succeed.
     */
    @Test
    void everySecretOfEnvExampleIsCheckedBeforeAnyServiceStarts() throws IOException {
        Map<String, String> example = ComposeFile.readEnvFile(compose.root().resolve(".env.example"));
        List<String> placeholders = example.entrySet().stream().filter(e -> e.getValue().startsWith("change-me")).map(Map.Entry::getKey).toList();
        assertThat(placeholders).as(".env.example's placeholders").isNotEmpty();
        assertThat(compose.entrypointScript(SECRETS_CHECK)).as("%s's script", SECRETS_CHECK).hasFileName("secrets-check.sh");
        assertThat(compose.service(SECRETS_CHECK).get("restart")).as("%s: restart", SECRETS_CHECK).isEqualTo("no");

        List<String> checked = compose.command(SECRETS_CHECK);
        List<String> names = checked.stream().map(name -> name.replaceFirst("\\?$", "")).toList();
        assertThat(names).as("variables %s checks", SECRETS_CHECK).doesNotHaveDuplicates().containsAll(placeholders);
        Map<String, String> raw = compose.rawEnvironment(SECRETS_CHECK);
        assertThat(raw.keySet()).as("%s's environment: the variables it checks", SECRETS_CHECK).containsExactlyInAnyOrderElementsOf(names);
        for (String name : checked) {
            boolean optional = name.endsWith("?");
            String variable = optional ? name.substring(0, name.length() - 1) : name;
            assertThat(raw.get(variable)).as("%s: %s is .env's %s, %s", SECRETS_CHECK, variable, variable, optional ? "optional" : "required")
                    .matches(Pattern.quote("${" + variable + (optional ? ":-" : ":?")) + "[^}]*}");
            assertThat(example).as(".env.example sets %s", variable).containsKey(variable);
        }
        for (String service : compose.serviceNames()) {
            if (!service.equals(SECRETS_CHECK)) {
                assertThat(compose.dependsOn(service)).as("%s waits for %s", service, SECRETS_CHECK)
                        .containsEntry(SECRETS_CHECK, "service_completed_successfully");
            }
        }
    }

    /**
     * docker/secrets-check.sh, run here as the file runs it: with .env.example's values it fails, naming each
     * placeholder; once each is replaced it passes; an empty required secret fails, an empty optional one does not.
     */
    @Test
    void theSecretsCheckNamesEveryPlaceholderAndPassesOnceEachIsReplaced(@TempDir Path work) throws Exception {
        Path script = compose.entrypointScript(SECRETS_CHECK);
        List<String> arguments = compose.command(SECRETS_CHECK);
        Map<String, String> env = compose.environment(SECRETS_CHECK);
        List<String> placeholders = env.entrySet().stream().filter(e -> e.getValue().startsWith("change-me")).map(Map.Entry::getKey).toList();

        Shell asExample = Shell.run(script, env, arguments, work);
        assertThat(asExample.exitCode()).as("secrets-check with .env.example's values; stderr: %s", asExample.err()).isEqualTo(1);
        List<String> named = asExample.err().lines().map(line -> line.replaceFirst("^secrets-check: (\\w+) still holds its .env.example placeholder$", "$1"))
                .filter(line -> !line.startsWith("secrets-check:")).toList();
        assertThat(named).as("variables named as placeholders").containsExactlyInAnyOrderElementsOf(placeholders);
        assertThat(asExample.err()).as("the summary").contains("set " + String.join(" ", placeholders) + " in .env");
        placeholders.forEach(variable -> assertThat(asExample.err() + asExample.out()).doesNotContain(variable + "=" + env.get(variable)));

        Map<String, String> set = withoutPlaceholders(env);
        Shell allSet = Shell.run(script, set, arguments, work);
        assertThat(allSet.exitCode()).as("secrets-check with every secret set; stderr: %s", allSet.err()).isZero();

        String required = arguments.stream().filter(name -> !name.endsWith("?")).findFirst().orElseThrow();
        Map<String, String> oneEmpty = new LinkedHashMap<>(set);
        oneEmpty.put(required, "");
        Shell empty = Shell.run(script, oneEmpty, arguments, work);
        assertThat(empty.exitCode()).as("secrets-check with %s empty", required).isEqualTo(1);
        assertThat(empty.err()).contains("secrets-check: " + required + " is empty");
        for (String optional : arguments.stream().filter(name -> name.endsWith("?")).map(name -> name.substring(0, name.length() - 1)).toList()) {
            Map<String, String> withoutOptional = new LinkedHashMap<>(set);
            withoutOptional.put(optional, "");
            assertThat(Shell.run(script, withoutOptional, arguments, work).exitCode()).as("secrets-check with the optional %s empty", optional).isZero();
        }
    }
}
