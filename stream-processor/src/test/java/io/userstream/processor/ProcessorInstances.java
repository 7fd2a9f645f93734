package io.userstream.processor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.schema.UserCreated;
import io.userstream.schema.serde.AvroSerdeConfig;
import io.userstream.schema.serde.AvroSerializer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs real stream-processor applications against the launcher's broker and registry, on topics of
 * their own (suffix per test class), and produces to and reads from those topics.
 */
public final class ProcessorInstances {

    private final LocalStack stack;
    private final String suffix;
    private final Path stateRoot;

    public ProcessorInstances(LocalStack stack, String suffix) {
        this.stack = stack;
        this.suffix = suffix;
        this.stateRoot = Path.of("target", "it-state", suffix + "-" + UUID.randomUUID());
    }

    public String topic(String base) {
        return base + "_" + suffix;
    }

    /** Starts one application instance; instances with the same suffix share the application id, so they share partitions. */
    public ConfigurableApplicationContext start(String instanceName, String... extraArgs) {
        return start(instanceName, List.of(), extraArgs);
    }

    /** Starts one application instance in this JVM with further bean sources (e.g. a test topology) and arguments. */
    public ConfigurableApplicationContext start(String instanceName, List<Class<?>> extraSources, String... extraArgs) {
        List<Class<?>> sources = new ArrayList<>(List.of(StreamProcessorApplication.class));
        sources.addAll(extraSources);
        return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).run(args(instanceName, "0", extraArgs));
    }

    /**
     * Starts one application instance as a child JVM on this test's classpath, so that a test can kill it
     * like {@code kill -9} ({@link Process#destroyForcibly()}): no commit, no close, open transactions left behind.
     * Its output goes to {@code <state>/<instanceName>.log}.
     */
    public Process startProcess(String instanceName, int httpPort, String... extraArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), StreamProcessorApplication.class.getName()));
        command.addAll(List.of(args(instanceName, String.valueOf(httpPort), extraArgs)));
        Files.createDirectories(stateRoot);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(stateRoot.resolve(instanceName + ".log").toFile())
                .start();
    }

    private String[] args(String instanceName, String httpPort, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + httpPort,
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                "--spring.kafka.properties.schema.registry.url=" + stack.schemaRegistryUrl(),
                "--spring.kafka.streams.application-id=stream-processor-" + suffix,
                "--spring.kafka.streams.state-dir=" + stateRoot.resolve(instanceName).toAbsolutePath(),
                "--spring.kafka.streams.properties.num.stream.threads=2",
                "--userstream.topics.users-created=" + topic("users_created"),
                "--userstream.topics.users-processed=" + topic("users_processed"),
                "--userstream.topics.user-stats=" + topic("user_stats"),
                "--userstream.topics.dead-letter=" + topic("users_dlq")));
        // The stack's API users: Actuator's details and metrics are for them only.
        stack.apiLogins().springProperties().forEach((name, value) -> args.add("--" + name + "=" + value));
        // The processor's own Kafka principal, with only its ACLs.
        stack.kafkaLogins().service(ServerKind.PROCESSOR).springProperties()
                .forEach((name, value) -> args.add("--" + name + "=" + value));
        args.addAll(List.of(extraArgs));
        return args.toArray(String[]::new);
    }

    public KafkaProducer<String, byte[]> producer() {
        Properties config = new Properties();
        config.putAll(stack.kafkaClientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    public AvroSerializer<UserCreated> userCreatedSerializer() {
        AvroSerializer<UserCreated> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl()), false);
        return serializer;
    }

    private final List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();

    /** Sends a user keyed by its id, with the record timestamp now. */
    public void send(KafkaProducer<String, byte[]> producer, String key, byte[] value) {
        sent.add(producer.send(new ProducerRecord<>(topic("users_created"), null, Instant.now().toEpochMilli(), key, value)));
    }

    /** Fails if any record sent so far was not acknowledged by the broker. */
    public void assertAllSent() throws Exception {
        for (var future : sent) {
            future.get();
        }
    }

    public static byte[] garbage(int i) {
        return ("garbage " + i).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads committed records from the beginning until {@code expected} arrived, then a little longer
     * so that extra (duplicate) records would show up too.
     */
    public List<ConsumerRecord<String, byte[]>> readCommitted(String topic, int expected, Duration timeout) {
        Properties config = new Properties();
        config.putAll(stack.kafkaClientProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    public static String header(ConsumerRecord<?, ?> record, String key) {
        var header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Counts of each key. */
    public static Map<String, Integer> keyCounts(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Integer> counts = new HashMap<>();
        records.forEach(record -> counts.merge(record.key(), 1, Integer::sum));
        return counts;
    }
}
