package io.userstream.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/** One combined broker/controller in KRaft mode; transactions work (Kafka Streams exactly_once_v2 needs them). */
record KafkaServer(Path home, Ports ports, Distributions distributions) implements LocalServer {

    @Override
    public int clientPort() {
        return ports.kafka();
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
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%3$s
                num.partitions=1
                num.network.threads=2
                num.io.threads=4
                offsets.topic.replication.factor=1
                offsets.topic.num.partitions=10
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                transaction.state.log.num.partitions=10
                share.coordinator.state.topic.replication.factor=1
                share.coordinator.state.topic.min.isr=1
                group.initial.rebalance.delay.ms=0
                """.formatted(ports.kafka(), ports.kafkaController(), data));
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

    /** KRaft storage must be formatted with a cluster id once, before the first start. */
    private void format() throws IOException, InterruptedException {
        Process format = new ProcessBuilder(
                        LocalServer.javaExecutable().toString(),
                        "-Dlog4j2.configurationFile=" + home.resolve("log4j2.properties"),
                        "-cp", classpath(),
                        "kafka.tools.StorageTool", "format",
                        "--cluster-id", Uuid.randomUuid().toString(),
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
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        try (Admin admin = Admin.create(config)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + ports.kafka();
    }

    private Path serverProperties() {
        return home.resolve("server.properties");
    }

    private String classpath() {
        return distributions.kafkaClasspath().resolve("*").toString();
    }
}
