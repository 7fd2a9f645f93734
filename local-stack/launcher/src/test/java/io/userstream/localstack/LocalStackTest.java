package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a stack wires its services, without starting anything: the console among them. */
class LocalStackTest {

    @TempDir
    Path repositoryRoot;

    @Test
    void theConsoleIsPointedAtThisStacksServersServicesAndAirflow() throws Exception {
        Files.createDirectories(repositoryRoot.resolve("console/target"));
        Path jar = Files.createFile(repositoryRoot.resolve("console/target/console-0.1.0-SNAPSHOT.jar"));
        Ports ports = Ports.ephemeral();
        LocalStack stack = stack(ports);

        assertThat(stack.consoleUrl()).isEqualTo("http://127.0.0.1:" + ports.console());
        assertThat(stack.requirementsOf(ServerKind.CONSOLE)).containsExactlyInAnyOrder(ServerKind.KAFKA, ServerKind.REGISTRY);
        Path home = stack.stateDir().resolve("console");
        assertThat(stack.server(ServerKind.CONSOLE).command())
                .containsSubsequence("-jar", home.resolve("app").resolve(jar.getFileName()).toString())
                .contains("--server.port=" + ports.console(),
                        "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                        "--spring.kafka.properties.schema.registry.url=" + stack.schemaRegistryUrl(),
                        "--userstream.console.ingest-url=http://127.0.0.1:" + ports.ingest(),
                        "--userstream.console.store-url=http://127.0.0.1:" + ports.store(),
                        "--userstream.console.processor-url=http://127.0.0.1:" + ports.processor(),
                        "--userstream.console.airflow-url=" + stack.airflowUrl())
                .noneMatch(arg -> arg.startsWith("--spring.cassandra.") || arg.startsWith("--spring.datasource."));
        assertThat(stack.logFile(ServerKind.CONSOLE)).isEqualTo(home.resolve("console.log"));
    }

    @Test
    void onlyTheConsoleIsGivenTheOtherServicesUrls() throws Exception {
        Files.createDirectories(repositoryRoot.resolve("ingest-service/target"));
        Files.createFile(repositoryRoot.resolve("ingest-service/target/ingest-service-0.1.0-SNAPSHOT.jar"));
        LocalStack stack = stack(Ports.ephemeral());

        assertThat(stack.server(ServerKind.INGEST).command()).noneMatch(arg -> arg.startsWith("--userstream.console."));
    }

    /**
     * Each gets its own PostgreSQL role: ingest-service through its environment (its command line, which every local
     * user can read, has the address only), Airflow in its connection URL, also in its environment. Nothing the stack
     * runs gets the superuser's password.
     */
    @Test
    void ingestServiceAndAirflowConnectToPostgresAsTheirOwnRolesThroughTheirEnvironment() throws Exception {
        Files.createDirectories(repositoryRoot.resolve("ingest-service/target"));
        Files.createFile(repositoryRoot.resolve("ingest-service/target/ingest-service-0.1.0-SNAPSHOT.jar"));
        Ports ports = Ports.ephemeral();
        LocalStack stack = stack(ports);
        PostgresLogins logins = stack.postgresLogins();

        LocalServer ingest = stack.server(ServerKind.INGEST);
        assertThat(ingest.command())
                .contains("--spring.datasource.url=jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/ingest")
                .noneMatch(arg -> arg.startsWith("--spring.datasource.username") || arg.startsWith("--spring.datasource.password"))
                .noneMatch(arg -> arg.contains(logins.ingest().password()));
        assertThat(ingest.environment())
                .containsEntry("SPRING_DATASOURCE_USERNAME", "ingest")
                .containsEntry("SPRING_DATASOURCE_PASSWORD", logins.ingest().password());

        LocalServer airflow = stack.server(ServerKind.AIRFLOW);
        assertThat(airflow.environment()).containsEntry("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
                "postgresql+psycopg2://airflow:" + logins.airflow().password() + "@127.0.0.1:" + ports.postgres() + "/airflow");
        assertThat(airflow.command()).noneMatch(arg -> arg.contains(logins.airflow().password()));
        assertThat(stack.server(ServerKind.POSTGRES).command()).noneMatch(arg -> arg.contains(logins.superuser().password()));

        for (ServerKind kind : ServerKind.values()) {
            assertThat(stack.server(kind).environment().values()).as("%s's environment", kind)
                    .noneMatch(value -> value.contains(logins.superuser().password()));
        }
        assertThat(stack.springProperties(EnumSet.allOf(ServerKind.class)).values()).noneMatch(value -> value.contains(logins.ingest().password()));
        assertThat(stack.springCredentials(EnumSet.of(ServerKind.POSTGRES)))
                .containsExactly(Map.entry("spring.datasource.username", "ingest"), Map.entry("spring.datasource.password", logins.ingest().password()));
    }

    /**
     * Each service logs in to Kafka as its own principal (SCRAM, only its ACLs), through its environment; the super
     * user's password is in the broker's configuration file only, never in a process's command line or environment.
     */
    @Test
    void eachServiceLogsInToKafkaAsItselfThroughItsEnvironment() throws Exception {
        for (ServerKind service : ServerKind.services()) {
            Files.createDirectories(repositoryRoot.resolve(service.displayName() + "/target"));
            Files.createFile(repositoryRoot.resolve(service.displayName() + "/target/" + service.displayName() + "-0.1.0-SNAPSHOT.jar"));
        }
        LocalStack stack = stack(Ports.ephemeral());
        KafkaLogins logins = stack.kafkaLogins();

        for (ServerKind service : ServerKind.services()) {
            KafkaLogin own = logins.service(service);
            assertThat(own.username()).isEqualTo(service.displayName());
            assertThat(own.mechanism()).isEqualTo("SCRAM-SHA-256");
            assertThat(stack.server(service).environment()).as("%s's environment", service)
                    .containsEntry("SPRING_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                    .containsEntry("SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-256")
                    .containsEntry("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", own.jaasConfig());
            assertThat(stack.server(service).command()).as("%s's command line", service).noneMatch(arg -> arg.contains(own.password()));
        }
        for (ServerKind service : ServerKind.services()) {
            assertThat(stack.server(service).command()).noneMatch(arg -> arg.contains(logins.admin().password()));
            assertThat(stack.server(service).environment().values()).noneMatch(value -> value.contains(logins.admin().password()));
        }
        assertThat(KafkaLogins.of(stack.stateDir()).service(ServerKind.STORE)).as("kept in the state folder")
                .isEqualTo(logins.service(ServerKind.STORE));
        assertThat(Files.getPosixFilePermissions(stack.stateDir().resolve(KafkaLogins.FILE)))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    /** What the supervisor restarts: a console whose process is gone without a stop being asked for. */
    @Test
    void aConsoleThatDiedWithoutAStopCountsAsCrashed() throws Exception {
        LocalStack stack = stack(Ports.ephemeral());
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path home = Files.createDirectories(stack.stateDir().resolve("console"));
        // With a start time no live process has, so a recycled PID is not taken for the console either.
        Files.writeString(home.resolve("console.pid"), gone.pid() + " 2000-01-01T00:00:00Z\n");

        assertThat(stack.isRunning(ServerKind.CONSOLE)).isFalse();
        assertThat(stack.crashed()).containsExactly(ServerId.first(ServerKind.CONSOLE));
    }

    /**
     * --nodes 3: three brokers on their own ports (+100 each) that every client starts from, three Cassandra nodes on
     * 127.0.0.1–3 joining one after the other, two instances of each service that scales with the cluster's replication
     * settings; the console, the registry, PostgreSQL and Airflow once.
     */
    @Test
    void aClusterRunsThreeBrokersThreeCassandraNodesAndTwoInstancesOfEachScalingService() throws Exception {
        for (ServerKind service : ServerKind.services()) {
            Files.createDirectories(repositoryRoot.resolve(service.displayName() + "/target"));
            Files.createFile(repositoryRoot.resolve(service.displayName() + "/target/" + service.displayName() + "-0.1.0-SNAPSHOT.jar"));
        }
        Ports ports = Ports.ephemeral();
        LocalStack stack = stack(ports, new Topology(3));

        assertThat(stack.kafkaBootstrapServers()).isEqualTo("127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d"
                .formatted(ports.kafka(), ports.kafka() + 100, ports.kafka() + 200));
        assertThat(stack.cassandraContactPoints()).isEqualTo("127.0.0.1:%1$d,127.0.0.2:%1$d,127.0.0.3:%1$d".formatted(ports.cassandra()));
        ServerId third = new ServerId(ServerKind.CASSANDRA, 3);
        assertThat(stack.addressOf(third)).isEqualTo("127.0.0.3");
        assertThat(stack.portsOf(third)).containsExactly(ports.cassandra(), ports.cassandraStorage());
        assertThat(stack.portsOf(new ServerId(ServerKind.KAFKA, 3))).containsExactly(ports.kafka() + 200, ports.kafkaController() + 200);
        assertThat(stack.requirementsOf(third)).containsExactly(new ServerId(ServerKind.CASSANDRA, 2));
        assertThat(stack.requirementsOf(new ServerId(ServerKind.KAFKA, 2))).isEmpty();
        assertThat(stack.requirementsOf(new ServerId(ServerKind.INGEST, 2))).contains(ServerId.first(ServerKind.INGEST));
        for (ServerKind kind : ServerKind.values()) {
            int expected = switch (kind) {
                case KAFKA, CASSANDRA -> 3;
                case INGEST, PROCESSOR, STORE -> 2;
                default -> 1;
            };
            assertThat(stack.serversOf(kind)).as("%s", kind).hasSize(expected);
        }

        ServerId store = new ServerId(ServerKind.STORE, 2);
        assertThat(stack.requirementsOf(store)).containsAll(stack.serversOf(ServerKind.KAFKA)).containsAll(stack.serversOf(ServerKind.CASSANDRA));
        assertThat(stack.serviceUrl(store)).isEqualTo("http://127.0.0.1:" + (ports.store() + 100));
        assertThat(stack.server(store).command()).contains("--server.port=" + (ports.store() + 100),
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                "--spring.cassandra.contact-points=" + stack.cassandraContactPoints(),
                "--userstream.store.cassandra.replication={'class': 'NetworkTopologyStrategy', 'datacenter1': 3}",
                "--userstream.topics.replication-factor=3", "--userstream.topics.min-insync-replicas=2");
        assertThat(stack.logFile(store)).isEqualTo(stack.stateDir().resolve("user-store-service-2/user-store-service.log"));
        for (ServerId processor : stack.serversOf(ServerKind.PROCESSOR)) {
            assertThat(stack.server(processor).command()).contains("--spring.kafka.streams.properties.num.standby.replicas=1");
        }
        assertThat(stack.server(ServerKind.CONSOLE).command()).contains("--userstream.console.ingest-url=http://127.0.0.1:" + ports.ingest(),
                "--userstream.topics.replication-factor=3");
    }

    /** A KRaft quorum and a Cassandra ring cannot change size by a restart: a state folder keeps its topology. */
    @Test
    void aStateFolderKeepsTheTopologyItWasMadeWith() {
        stack(Ports.ephemeral(), new Topology(3));

        assertThat(stack(Ports.ephemeral(), null).topology()).isEqualTo(new Topology(3));
        assertThatThrownBy(() -> stack(Ports.ephemeral(), Topology.single()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was made with --nodes 3");
    }

    private LocalStack stack(Ports ports) {
        return stack(ports, Topology.single());
    }

    private LocalStack stack(Ports ports, Topology topology) {
        // Detached: nothing runs, so there is nothing for a shutdown hook to stop.
        return new LocalStack(repositoryRoot.resolve("state"), ports, topology, true, line -> { }, new Distributions(repositoryRoot));
    }
}
