package io.userstream.processor.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import io.userstream.processor.StreamProcessorApplication;
import io.userstream.processor.Users;
import io.userstream.schema.UserCreated;
import io.userstream.schema.serde.AvroSerdeConfig;
import io.userstream.schema.serde.AvroSerializer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * Throughput of one stream-processor instance with exactly_once_v2: pre-fills users_created with N valid
 * users on a fresh broker and registry, starts the application, and measures from the moment its Streams
 * client is RUNNING until N users are committed on users_processed (read_committed end offsets).
 * Run by bench/stream-processor-throughput.sh.
 */
public final class ThroughputBenchmark {

    private static final int PARTITIONS = 6;

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path state = Path.of(System.getProperty("bench.state", "target/bench-throughput")).toAbsolutePath();
        try (LocalStack stack = LocalStack.attached(state.resolve("servers"), Ports.ephemeral(), System.out::println)) {
            stack.start(ServerKind.KAFKA, ServerKind.REGISTRY);
            try (Admin admin = Admin.create(stack.kafkaClientProperties())) {
                admin.createTopics(List.of("users_created", "users_processed", "user_stats", "users_dlq").stream()
                        .map(name -> new NewTopic(name, PARTITIONS, (short) 1)).toList()).all().get();
                awaitLeaders(admin, "users_created");
                long fillStart = System.nanoTime();
                prefill(stack, users);
                long input = endOffsets(admin, "users_created");
                System.out.printf("pre-filled users_created with %,d users in %.1f s%n", input, seconds(fillStart));
                if (input != users) {
                    throw new IllegalStateException("users_created holds " + input + " records, not " + users);
                }

                List<String> appArgs = new java.util.ArrayList<>(List.of(
                        "--server.port=0",
                        "--logging.level.org.apache.kafka=WARN",
                        "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                        "--spring.kafka.properties.schema.registry.url=" + stack.schemaRegistryUrl(),
                        "--spring.kafka.streams.application-id=stream-processor-bench",
                        "--spring.kafka.streams.state-dir=" + state.resolve("streams-state"),
                        "--spring.kafka.streams.properties.num.stream.threads=" + threads));
                // Further application settings to compare, e.g. --spring.kafka.streams.properties.commit.interval.ms=1000
                appArgs.addAll(List.of(args).subList(Math.min(2, args.length), args.length));
                System.out.println("application settings: " + appArgs);
                // The processor's own Kafka principal, with only its ACLs (after the print: its password stays out of the output).
                stack.kafkaLogins().service(ServerKind.PROCESSOR).springProperties()
                        .forEach((name, value) -> appArgs.add("--" + name + "=" + value));
                try (ConfigurableApplicationContext app = new SpringApplicationBuilder(StreamProcessorApplication.class)
                        .run(appArgs.toArray(String[]::new))) {
                    KafkaStreams streams = app.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
                    while (streams.state() != KafkaStreams.State.RUNNING) {
                        TimeUnit.MILLISECONDS.sleep(20);
                    }
                    long start = System.nanoTime();
                    long ownCpuStart = ownCpuNanos();
                    long brokerCpuStart = cpuNanosOf(stack.pid(ServerKind.KAFKA).orElseThrow());
                    long done = 0;
                    long lastReport = start;
                    while (done < users) {
                        TimeUnit.MILLISECONDS.sleep(250);
                        done = committedInput(admin);
                        if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                            System.out.printf("  %,d processed after %.1f s%n", done, seconds(start));
                            lastReport = System.nanoTime();
                        }
                        if (streams.state() == KafkaStreams.State.ERROR) {
                            throw new IllegalStateException("Streams client failed");
                        }
                    }
                    double elapsed = seconds(start);
                    double ownCpu = (ownCpuNanos() - ownCpuStart) / 1e9;
                    double brokerCpu = (cpuNanosOf(stack.pid(ServerKind.KAFKA).orElseThrow()) - brokerCpuStart) / 1e9;
                    System.out.printf("RESULT: %,d users through one instance (%d stream thread(s), exactly_once_v2) in %.1f s = %,.0f records/s%n",
                            users, threads, elapsed, users / elapsed);
                    System.out.printf("CPU: processor JVM %.1f s (%,.0f records per CPU-second), broker %.1f s; "
                                    + "both together %,.0f records per CPU-second, i.e. at most %,.0f records/s if they had all cores to themselves%n",
                            ownCpu, users / ownCpu, brokerCpu, users / (ownCpu + brokerCpu),
                            users / (ownCpu + brokerCpu) * Runtime.getRuntime().availableProcessors());
                    System.out.printf("check: users_processed holds %,d committed records, users_dlq %,d (expected %,d and 0)%n",
                            countCommitted(stack, "users_processed"), countCommitted(stack, "users_dlq"), users);
                }
            }
        }
        System.exit(0);
    }

    private static void prefill(LocalStack stack, int users) {
        AvroSerializer<UserCreated> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl()), false);
        UserCreated finnish = Users.finnish(UUID.randomUUID()).build();
        UserCreated american = Users.american(UUID.randomUUID()).build();
        Properties config = new Properties();
        config.putAll(stack.kafkaClientProperties());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < users; i++) {
                UserCreated user = i % 2 == 0 ? finnish : american;
                UUID id = UUID.randomUUID();
                user.getLogin().setUuid(id);
                // Timestamps spread over the last ~15 minutes: realistic windows for the counts.
                producer.send(new ProducerRecord<>("users_created", null, now - 900_000 + (900_000L * i / users),
                        id.toString(), serializer.serialize("users_created", user)), (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("pre-fill failed", failure.get());
        }
    }

    private static void awaitLeaders(Admin admin, String topic) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            if (description.partitions().stream().allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty())) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("no leaders for " + topic);
    }

    private static long endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(topic, p), org.apache.kafka.clients.admin.OffsetSpec.latest());
        }
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    /**
     * Input records whose processing is committed: the application's committed offsets on users_created.
     * With exactly_once_v2 they commit in the same transaction as the outputs, so this is exact (the
     * output topics' end offsets would also count transaction markers).
     */
    private static long committedInput(Admin admin) throws Exception {
        return admin.listConsumerGroupOffsets("stream-processor-bench").partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(entry -> entry.getKey().topic().equals("users_created") && entry.getValue() != null)
                .mapToLong(entry -> entry.getValue().offset()).sum();
    }

    /** Data records a read_committed consumer sees on the topic (after the measurement). */
    private static long countCommitted(LocalStack stack, String topic) {
        Properties config = new Properties();
        config.putAll(stack.kafkaClientProperties());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = java.util.stream.IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
            return count;
        }
    }

    /** CPU time of this JVM (the processor; the servers are separate processes). */
    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** User + system CPU time of another process, from /proc/PID/stat (Linux). */
    private static long cpuNanosOf(long pid) throws java.io.IOException {
        String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
