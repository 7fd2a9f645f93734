package io.userstream.e2e.compose;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.Distributions;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker-compose.yml (repository root) against the three services' real configuration, without Docker. The
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
        assertThat(ingest.property("spring.datasource.username")).as("user").isEqualTo(postgres.getOrDefault("POSTGRES_USER", "postgres"));
        assertThat(ingest.property("spring.datasource.password")).as("password").isEqualTo(postgres.get("POSTGRES_PASSWORD")).isNotBlank();
    }

    /** user-store-service's contact points are cassandra services of the file, the local data center is theirs, the keyspace's replicas fit. */
    @Test
    void storeWritesToTheCassandraServiceInItsDataCenter() {
        ServiceConfiguration store = configurations.get(ServerKind.STORE);
        List<String> nodes = compose.servicesOfImage("cassandra");
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
        List.of(Map.entry(ingest, "ingest.publish.replication-factor"),
                Map.entry(processor, "userstream.processor.topics.replication-factor"),
                Map.entry(store, "userstream.store.kafka.replication-factor")).forEach(replication ->
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
}
