package io.userstream.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.Uuid;

/**
 * One combined broker/controller in KRaft mode; transactions work (Kafka Streams exactly_once_v2 needs them). In a
 * cluster ({@link Topology}) node n is broker and controller n of one quorum of all nodes, on its kind's ports
 * + 100 × (n − 1), every topic with {@link Topology#replicas()} replicas, {@link Topology#minInSyncReplicas()} in sync
 * for acks=all, and no unclean leader election; all nodes are formatted with one cluster id, kept in the state folder.
 *
 * <p>Every listener asks for a login ({@code SASL_PLAINTEXT} on loopback): the super user {@code admin} with
 * SASL/PLAIN, defined in the broker's configuration (it is also the broker's own login to itself and to its
 * controller, which cannot read SCRAM credentials before it has read its metadata), and one SCRAM-SHA-256 principal
 * per service, created at every start by {@link #afterReady()} with the ACLs of {@link KafkaAcls}. A client without
 * a login, with a wrong password or outside its ACLs is refused ({@link KafkaLogins}).
 */
record KafkaServer(Path home, Ports ports, Distributions distributions, KafkaLogins logins, int number, Topology topology)
        implements LocalServer {

    /** The cluster id every node of a cluster is formatted with, next to the nodes' folders. */
    private static final String CLUSTER_ID_FILE = "kafka-cluster.id";

    /** How long the cluster may take to show the principals and ACLs {@link #afterReady()} wrote. */
    private static final Duration METADATA_PROPAGATION = Duration.ofSeconds(30);

    @Override
    public int clientPort() {
        return ports.forNumber(number).kafka();
    }

    @Override
    public ServerId id() {
        return new ServerId(ServerKind.KAFKA, number);
    }

    @Override
    public ServerKind kind() {
        return ServerKind.KAFKA;
    }

    @Override
    public void requireInstalled() {
        distributions.kafkaClasspath();
    }

    @Override
    public void prepare() throws IOException, InterruptedException {
        Path data = home.resolve("data");
        Files.createDirectories(data);
        Files.writeString(serverProperties(), """
                process.roles=broker,controller
                node.id=%6$d
                controller.quorum.voters=%7$s
                listeners=SASL_PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=SASL_PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=SASL_PLAINTEXT
                listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
                sasl.mechanism.inter.broker.protocol=PLAIN
                sasl.mechanism.controller.protocol=PLAIN
                listener.name.controller.sasl.enabled.mechanisms=PLAIN
                listener.name.controller.plain.sasl.jaas.config=%4$s
                listener.name.sasl_plaintext.sasl.enabled.mechanisms=SCRAM-SHA-256,PLAIN
                listener.name.sasl_plaintext.plain.sasl.jaas.config=%4$s
                listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
                authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
                super.users=User:%5$s
                allow.everyone.if.no.acl.found=false
                log.dirs=%3$s
                num.partitions=1
                num.network.threads=2
                num.io.threads=4
                offsets.topic.replication.factor=%8$d
                offsets.topic.num.partitions=10
                transaction.state.log.replication.factor=%8$d
                transaction.state.log.min.isr=%9$d
                transaction.state.log.num.partitions=10
                share.coordinator.state.topic.replication.factor=%8$d
                share.coordinator.state.topic.min.isr=%9$d
                default.replication.factor=%8$d
                min.insync.replicas=%9$d
                unclean.leader.election.enable=false
                group.initial.rebalance.delay.ms=0
                """.formatted(clientPort(), controllerPort(number), data, brokerJaasConfig(), logins.admin().username(), number,
                quorumVoters(), topology.replicas(), topology.minInSyncReplicas()));
        // It holds the admin's password.
        Files.setPosixFilePermissions(serverProperties(), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(home.resolve("log4j2.properties"), """
                status = warn
                appender.console.type = Console
                appender.console.name = STDOUT
                appender.console.layout.type = PatternLayout
                appender.console.layout.pattern = [%d] %p %m (%c)%n
                rootLogger.level = INFO
                rootLogger.appenderRef.stdout.ref = STDOUT
                logger.request.name = kafka.request.logger
                logger.request.level = WARN
                logger.state.name = state.change.logger
                logger.state.level = WARN
                """);
        if (!Files.exists(data.resolve("meta.properties"))) {
            format();
        }
    }

    /** Every node of the quorum, {@code 1@127.0.0.1:9093,2@127.0.0.1:9193,...}. */
    private String quorumVoters() {
        return topology.servers(ServerKind.KAFKA).stream()
                .map(node -> node.number() + "@127.0.0.1:" + controllerPort(node.number()))
                .collect(java.util.stream.Collectors.joining(","));
    }

    private int controllerPort(int node) {
        return ports.forNumber(node).kafkaController();
    }

    /**
     * The id the KRaft storage is formatted with: a new one for a lone broker; for a cluster, the one all its nodes
     * share (made by whichever node formats first).
     */
    private String clusterId() throws IOException {
        if (!topology.isCluster()) {
            return Uuid.randomUuid().toString();
        }
        Path file = home.getParent().resolve(CLUSTER_ID_FILE);
        synchronized (KafkaServer.class) { // the nodes prepare in parallel
            if (!Files.exists(file)) {
                Files.writeString(file, Uuid.randomUuid().toString());
            }
            return Files.readString(file).strip();
        }
    }

    /** KRaft storage must be formatted with a cluster id once, before the first start. */
    private void format() throws IOException, InterruptedException {
        Process format = new ProcessBuilder(
                        LocalServer.javaExecutable().toString(),
                        "-Dlog4j2.configurationFile=" + home.resolve("log4j2.properties"),
                        "-cp", classpath(),
                        "kafka.tools.StorageTool", "format",
                        "--cluster-id", clusterId(),
                        "--config", serverProperties().toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new ServerStartException(kind(), "formatting the KRaft storage failed", logFile(), ServerProcess.tail(logFile()));
        }
    }

    @Override
    public List<String> command() {
        return List.of(
                LocalServer.javaExecutable().toString(),
                "-Xms256m", "-Xmx512m",
                "-XX:+UseG1GC",
                "-Djava.awt.headless=true",
                "-Dlog4j2.configurationFile=" + home.resolve("log4j2.properties"),
                "-cp", classpath(),
                "kafka.Kafka", serverProperties().toString());
    }

    @Override
    public boolean answers() {
        try (Admin admin = Admin.create(adminConfig())) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The services' SCRAM credentials (from {@link KafkaLogins}, so a rotated password takes effect) and their ACLs,
     * at every start: both are idempotent. Returns once the broker authenticates and authorizes with them.
     */
    @Override
    public void afterReady() {
        List<UserScramCredentialAlteration> credentials = logins.servicePrincipals().stream()
                .<UserScramCredentialAlteration>map(login -> new UserScramCredentialUpsertion(login.username(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), login.password()))
                .toList();
        List<AclBinding> acls = KafkaAcls.all();
        try (Admin admin = Admin.create(adminConfig())) {
            admin.alterUserScramCredentials(credentials).all().get(METADATA_PROPAGATION.toSeconds(), TimeUnit.SECONDS);
            admin.createAcls(acls).all().get(METADATA_PROPAGATION.toSeconds(), TimeUnit.SECONDS);
            // Both are written by the controller; this broker applies them from its metadata a moment later.
            long deadline = System.nanoTime() + METADATA_PROPAGATION.toNanos();
            while (!admin.describeUserScramCredentials().users().get(3, TimeUnit.SECONDS)
                            .containsAll(credentials.stream().map(UserScramCredentialAlteration::user).toList())
                    || !admin.describeAcls(AclBindingFilter.ANY).values().get(3, TimeUnit.SECONDS).containsAll(acls)) {
                if (System.nanoTime() > deadline) {
                    throw new ServerStartException(kind(), "the services' logins and ACLs did not show up within "
                            + METADATA_PROPAGATION.toSeconds() + " s", logFile(), ServerProcess.tail(logFile()));
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerStartException(kind(), "interrupted while creating the services' logins", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ServerStartException(kind(), "creating the services' logins and ACLs failed: " + e.getMessage(), e);
        }
    }

    /** The admin's client settings against this broker, with short timeouts (probes and set-up). */
    private Map<String, Object> adminConfig() {
        Map<String, Object> config = new HashMap<>(logins.admin().clientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        return config;
    }

    /** The broker's PLAIN login (username, password) and the one user PLAIN accepts, {@code admin}. */
    private String brokerJaasConfig() {
        KafkaLogin admin = logins.admin();
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"%s\" password=\"%s\" user_%s=\"%s\";"
                .formatted(admin.username(), admin.password(), admin.username(), admin.password());
    }

    /** This node alone (probes, set-up); clients of a cluster get every node ({@link LocalStack#kafkaBootstrapServers()}). */
    String bootstrapServers() {
        return "127.0.0.1:" + clientPort();
    }

    private Path serverProperties() {
        return home.resolve("server.properties");
    }

    private String classpath() {
        return distributions.kafkaClasspath().resolve("*").toString();
    }
}
