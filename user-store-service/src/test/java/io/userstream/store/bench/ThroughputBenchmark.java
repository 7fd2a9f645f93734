package io.userstream.store.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.Ports;
import io.userstream.localstack.ServerKind;
import io.userstream.schema.Coordinates;
import io.userstream.schema.IngestSource;
import io.userstream.schema.IngestionMetadata;
import io.userstream.schema.Name;
import io.userstream.schema.Picture;
import io.userstream.schema.UserProcessed;
import io.userstream.schema.serde.AvroSerializer;
import io.userstream.store.UserStoreServiceApplication;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.CqlMigrations;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import io.userstream.store.write.BoundedWrites;
import io.userstream.store.write.ErasureList;
import io.userstream.store.write.ErasureStatements;
import io.userstream.store.write.UserWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Run by {@code bench/user-store-throughput.sh}. On one fresh local stack:
 * <ol>
 *   <li>pre-fills {@code users_processed} with N Avro users (6 partitions);</li>
 *   <li>warm-up: the bare driver writes N/10 users (at most 50,000) into a keyspace dropped at once;</li>
 *   <li>(a) the ceiling: the bare Java driver writes the same rows (the same bound statements the
 *       service builds, async from two threads, the same in-flight limit) for the same N users, no Kafka, no Avro;
 *       then that keyspace is dropped so its compactions do not weigh on (b);</li>
 *   <li>(b) the service, started with its shipped application.yml, drains the topic; timed from
 *       the application being ready to every offset committed, then the stored count is checked.</li>
 * </ol>
 */
public final class ThroughputBenchmark {

    private static final String TOPIC = "users_processed";
    private static final String[] COUNTRIES = {"AU", "BR", "CA", "CH", "DE", "DK", "ES", "FI", "FR", "GB",
            "IE", "IN", "IR", "MX", "NL", "NO", "NZ", "RS", "TR", "UA", "US"};
    private static final int SUBMITTERS = 2;
    private static final UUID RUN = UUID.fromString("00000000-0000-4000-8000-000000000500");

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        Path stateDir = Path.of(args.length > 1 ? args[1] : "user-store-service/target/bench-stack").toAbsolutePath();
        log("users: " + users + ", state: " + stateDir + ", load before: " + uptime());
        LocalStack.attached(stateDir, Ports.ephemeral(), ThroughputBenchmark::log).close(); // a killed run's servers
        deleteRecursively(stateDir);
        try (LocalStack stack = LocalStack.attached(stateDir, Ports.ephemeral(), ThroughputBenchmark::log)) {
            stack.start(ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA);

            long prefillStart = System.nanoTime();
            prefill(stack, users);
            log(String.format("pre-filled %d records in %.1f s", users, seconds(prefillStart)));

            // Warms Cassandra and this JVM's driver code up, so (a) does not pay for a cold start that (b) would skip.
            bareDriver(stack, Math.min(users / 10, 50_000), "bench_warmup");
            double ceiling = bareDriver(stack, users, "bench_driver");
            log("load after (a): " + uptime());
            double service = service(stack, users);
            log("load after (b): " + uptime());

            log(String.format("RESULT (a) bare driver: %.0f users/s (%.0f rows/s)", ceiling, ceiling * 5));
            log(String.format("RESULT (b) service drain: %.0f users/s (%.0f rows/s)", service, service * 5));
            log(String.format("RESULT (b)/(a) = %.1f %% (target >= 70 %%)", 100 * service / ceiling));
        }
    }

    /** Deterministic user number i: ids, countries and registration instants spread like real data. */
    static UserProcessed user(int i) {
        Random random = new Random(i);
        UUID id = UUID.nameUUIDFromBytes(("bench-user-" + i).getBytes(StandardCharsets.UTF_8));
        String n = Integer.toString(i);
        String country = COUNTRIES[random.nextInt(COUNTRIES.length)];
        Instant registered = Instant.parse("2002-01-01T00:00:00Z").plusMillis((long) (random.nextDouble() * 20L * 365 * 86_400_000));
        return UserProcessed.newBuilder()
                .setUserId(id)
                .setName(Name.newBuilder().setTitle("Mr").setFirst("First" + n).setLast("Last" + n).build())
                .setGender(random.nextBoolean() ? "female" : "male")
                .setEmail("user" + n + "@example.com")
                .setEmailDomain("example.com")
                .setUsername("user" + n)
                .setPhone("+4930" + (1_000_000 + i))
                .setCell("+49151" + (1_000_000 + i))
                .setAddress(random.nextInt(999) + " Main Street, 1000" + random.nextInt(9) + " Springfield, State, Country")
                .setPostcode("1000" + random.nextInt(9))
                .setCity("Springfield")
                .setState("State")
                .setCountry("Country " + country)
                .setCountryCode(country)
                .setCoordinates(Coordinates.newBuilder().setLatitude(random.nextDouble() * 180 - 90)
                        .setLongitude(random.nextDouble() * 360 - 180).build())
                .setDateOfBirth(Instant.parse("1950-01-01T00:00:00Z").plusMillis((long) (random.nextDouble() * 50L * 365 * 86_400_000)))
                .setAge(20 + random.nextInt(60))
                .setRegisteredAt(registered)
                .setPicture(Picture.newBuilder().setLarge("https://randomuser.me/api/portraits/men/" + (i % 100) + ".jpg")
                        .setMedium("https://randomuser.me/api/portraits/med/men/" + (i % 100) + ".jpg")
                        .setThumbnail("https://randomuser.me/api/portraits/thumb/men/" + (i % 100) + ".jpg").build())
                .setIngestion(IngestionMetadata.newBuilder().setRunId(RUN).setSource(IngestSource.FAKER)
                        .setFetchedAt(Instant.parse("2026-11-22T00:00:00Z")).build())
                .setProcessedAt(Instant.parse("2026-11-22T00:00:01Z"))
                .build();
    }

    private static void prefill(LocalStack stack, int users) throws Exception {
        try (AdminClient admin = AdminClient.create(stack.kafkaClientProperties())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get();
        }
        AvroSerializer<Object> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        AtomicReference<Exception> failure = new AtomicReference<>();
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(config, new StringSerializer(), serializer)) {
            for (int i = 0; i < users; i++) {
                UserProcessed user = user(i);
                producer.send(new ProducerRecord<>(TOPIC, user.getUserId().toString(), user), (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** (a): the same statements the service sends, straight from memory to the driver. */
    private static double bareDriver(LocalStack stack, int users, String keyspace) throws Exception {
        CassandraStoreProperties properties = properties(keyspace);
        try (CqlSession session = session(stack)) {
            CqlMigrations.load(new PathMatchingResourcePatternResolver(), properties.migrationsLocation())
                    .apply(session, properties.keyspace(), properties.replication(), properties.schemaTimeout());
            MigratedKeyspace migrated = new MigratedKeyspace(properties.keyspace());
            UserWriter writer = new UserWriter(session, migrated, properties,
                    new BoundedWrites(session, properties, new SimpleMeterRegistry()),
                    new ErasureList(session, migrated, properties, new SimpleMeterRegistry()),
                    new ErasureStatements(session, migrated, properties));
            Semaphore inFlight = new Semaphore(properties.maxInFlightWrites());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // Two submitting threads (the service runs two consumers): one thread building statements
            // and waiting for permits would make the ceiling lower than it is.
            int threads = SUBMITTERS;
            List<Thread> submitters = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int first = t;
                Thread submitter = new Thread(() -> {
                    List<String> seenCountryYears = new ArrayList<>();
                    try {
                        for (int i = first; i < users; i += threads) {
                            List<BoundStatement> statements = writer.statements(user(i), seenCountryYears);
                            writer.recorded(seenCountryYears); // as the service does after a batch
                            seenCountryYears.clear();
                            for (BoundStatement statement : statements) {
                                inFlight.acquire();
                                session.executeAsync(statement).whenComplete((result, e) -> {
                                    inFlight.release();
                                    if (e != null) {
                                        failure.compareAndSet(null, e);
                                    }
                                });
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "baseline-" + t);
                submitter.start();
                submitters.add(submitter);
            }
            for (Thread submitter : submitters) {
                submitter.join();
            }
            inFlight.acquire(properties.maxInFlightWrites());
            double elapsed = seconds(start);
            if (failure.get() != null) {
                throw new IllegalStateException("Baseline write failed", failure.get());
            }
            long stored = storedOfRun(session, properties.keyspace());
            log(String.format("(a) bare driver into %s: %d users in %.1f s, %d stored", keyspace, users, elapsed, stored));
            session.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "DROP KEYSPACE " + properties.keyspace()).setTimeout(Duration.ofSeconds(120)));
            return users / elapsed;
        }
    }

    /** (b): the service with its shipped settings drains the pre-filled topic. */
    private static double service(LocalStack stack, int users) throws Exception {
        // Within the store's own groups (user-store-service*): its Kafka principal may use no other.
        String group = "user-store-service-bench-" + System.currentTimeMillis();
        long start;
        double elapsed;
        // As command-line arguments: they outrank application.yml (default properties would not).
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                "--spring.kafka.properties.schema.registry.url=" + stack.schemaRegistryUrl(),
                "--spring.cassandra.contact-points=" + stack.cassandraContactPoint(),
                "--spring.cassandra.local-datacenter=" + stack.cassandraLocalDatacenter(),
                "--spring.kafka.consumer.group-id=" + group,
                "--userstream.store.cassandra.keyspace=bench_service",
                "--server.port=0",
                "--logging.level.root=WARN"));
        // The stack's API users: the service refuses to start without a way for callers to authenticate.
        stack.apiLogins().springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
        // The store's Cassandra role (a benchmark's own JVM: these arguments are not another process's command line).
        stack.cassandraLogins().storeSpringProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
        // The store's own Kafka principal, with only its ACLs.
        stack.kafkaLogins().service(ServerKind.STORE).springProperties()
                .forEach((name, value) -> arguments.add("--" + name + "=" + value));
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(UserStoreServiceApplication.class)
                .run(arguments.toArray(String[]::new))) {
            start = System.nanoTime();
            log("(b) service ready; draining");
            awaitCommitted(stack, group, Duration.ofMinutes(30));
            elapsed = seconds(start);
            long stored;
            try (CqlSession session = session(stack)) {
                stored = storedOfRun(session, "bench_service");
            }
            log(String.format("(b) service: %d users in %.1f s, %d stored", users, elapsed, stored));
            if (stored != users) {
                throw new IllegalStateException("The service stored " + stored + " users of " + users);
            }
        }
        return users / elapsed;
    }

    private static void awaitCommitted(LocalStack stack, String group, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        try (AdminClient admin = AdminClient.create(stack.kafkaClientProperties())) {
            Set<TopicPartition> partitions = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition())).collect(Collectors.toSet());
            long end = admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all().get().values().stream().mapToLong(info -> info.offset()).sum();
            while (Instant.now().isBefore(deadline)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                long done = committed.entrySet().stream().filter(e -> e.getKey().topic().equals(TOPIC))
                        .mapToLong(e -> e.getValue().offset()).sum();
                if (done >= end) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("The service did not drain " + TOPIC + " within " + timeout);
    }

    private static long storedOfRun(CqlSession session, String keyspace) {
        long stored = 0;
        for (int shard = 0; shard < DataLayout.RUN_SHARDS; shard++) {
            stored += session.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "SELECT COUNT(*) FROM " + keyspace + ".users_by_run WHERE run_id = ? AND shard = ?", RUN, shard)
                    .setTimeout(Duration.ofSeconds(60))).one().getLong(0);
        }
        return stored;
    }

    private static CassandraStoreProperties properties(String keyspace) {
        // The same values as application.yml ships.
        return new CassandraStoreProperties(keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}", true,
                "classpath:cassandra/migrations/", DefaultConsistencyLevel.LOCAL_QUORUM, DefaultConsistencyLevel.LOCAL_QUORUM,
                256, Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(5));
    }

    private static CqlSession session(LocalStack stack) {
        String[] hostPort = stack.cassandraContactPoint().split(":");
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
                .withLocalDatacenter(stack.cassandraLocalDatacenter())
                .withAuthCredentials(stack.cassandraLogins().userStore().username(), stack.cassandraLogins().userStore().password())
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ZERO)
                        .build())
                .build();
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void log(String line) {
        System.out.println("[bench " + Instant.now() + "] " + line);
    }
}
