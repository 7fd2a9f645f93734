package io.userstream.processor.stats;

import static io.userstream.processor.ProcessorInstances.keyCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.processor.ProcessorInstances;
import io.userstream.processor.Users;
import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserCreated;
import io.userstream.schema.UserStats;
import io.userstream.schema.serde.AvroDeserializer;
import io.userstream.schema.serde.AvroSerdeConfig;
import io.userstream.schema.serde.AvroSerializer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * One of two instances is killed like {@code kill -9} while users stream in: its open transaction is left
 * behind, its tasks move to the other instance, which replays their backlog behind its own users. The
 * latest count of every window on user_stats (read_committed, as the store reads it) must still add up,
 * per dimension, to exactly the users on users_processed.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY})
class StatsAfterKillIT {

    private static final int USERS = 12_000;
    private static final int KILL_AFTER = 4_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void windowTotalsAddUpToTheUsersEmittedAfterAnInstanceIsKilledMidStream(LocalStack stack) throws Exception {
        ProcessorInstances instances = new ProcessorInstances(stack, "kill_" + Long.toHexString(System.nanoTime()));
        String[] settings = {
                // The killed member leaves the group after 6 s instead of 45 s.
                "--spring.kafka.streams.properties.session.timeout.ms=6000",
                // Short windows: the replayed backlog spans several windows that newer users have passed.
                "--userstream.processor.stats-window=5s"};
        int victimPort = freePort();
        Process victim = instances.startProcess("victim", victimPort, settings);
        try (ConfigurableApplicationContext survivor = instances.start("survivor", settings);
             KafkaProducer<String, byte[]> producer = instances.producer()) {
            KafkaStreams survivorStreams = survivor.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> healthStatus(victimPort) == 200);
            await().atMost(Duration.ofSeconds(120)).until(() -> survivorStreams.state() == KafkaStreams.State.RUNNING
                    && activeTasks(survivorStreams) > 0 && activeTasks(survivorStreams) < 12); // the victim has the others

            AvroSerializer<UserCreated> serializer = instances.userCreatedSerializer();
            AtomicInteger sent = new AtomicInteger();
            // A steady stream (about 1,000 users/s) so that the victim is mid-transaction when it is killed.
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < USERS; i++) {
                    UUID id = UUID.randomUUID();
                    UserCreated user = (i % 3 == 0 ? Users.american(id) : Users.finnish(id)).build();
                    instances.send(producer, id.toString(), serializer.serialize(instances.topic("users_created"), user));
                    if (i % 7 == 0) {
                        instances.send(producer, id.toString(), serializer.serialize(instances.topic("users_created"), user));
                    }
                    sent.incrementAndGet();
                    if (i % 100 == 99) {
                        pace();
                    }
                }
            });
            await().atMost(Duration.ofSeconds(120)).until(() -> sent.get() >= KILL_AFTER);
            victim.destroyForcibly(); // SIGKILL
            assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(sent.get()).as("killed while users were still streaming in").isLessThan(USERS);
            sending.get(120, TimeUnit.SECONDS);
            producer.flush();
            instances.assertAllSent();

            List<ConsumerRecord<String, byte[]>> processed = instances.readCommitted(
                    instances.topic("users_processed"), USERS, Duration.ofSeconds(180));
            Map<String, Integer> processedCounts = keyCounts(processed);
            assertThat(processedCounts).hasSize(USERS);
            assertThat(processedCounts.values()).as("each user emitted exactly once").allMatch(count -> count == 1);

            Map<StatsDimension, Long> totals = latestWindowTotals(stack, instances.topic("user_stats"), USERS, Duration.ofSeconds(180));
            assertThat(totals).isEqualTo(Map.of(StatsDimension.COUNTRY, (long) USERS, StatsDimension.GENDER, (long) USERS));
        } finally {
            victim.destroyForcibly();
        }
    }

    /**
     * Reads user_stats from the beginning (read_committed), keeps the latest record of each key, until the
     * sums of those per dimension reach {@code expected}, then a little longer so that an overshoot would show.
     */
    private static Map<StatsDimension, Long> latestWindowTotals(LocalStack stack, String topic, long expected, Duration timeout) {
        Properties config = new Properties();
        config.putAll(stack.kafkaClientProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        AvroDeserializer<UserStats> deserializer = new AvroDeserializer<>();
        deserializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl(),
                AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
        Map<String, UserStats> latest = new HashMap<>();
        try (KafkaConsumer<String, UserStats> consumer = new KafkaConsumer<>(config, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!totals(latest).equals(Map.of(StatsDimension.COUNTRY, expected, StatsDimension.GENDER, expected))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> latest.put(record.key(), record.value()));
            }
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> latest.put(record.key(), record.value()));
            }
        }
        latest.forEach((key, stats) -> assertThat(key).isEqualTo(stats.getDimension() + "|" + stats.getKey() + "|" + stats.getWindowStart()));
        return totals(latest);
    }

    private static Map<StatsDimension, Long> totals(Map<String, UserStats> latest) {
        Map<StatsDimension, Long> totals = new HashMap<>();
        latest.values().forEach(stats -> totals.merge(stats.getDimension(), stats.getCount(), Long::sum));
        return totals;
    }

    private static int healthStatus(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(thread -> thread.activeTasks().size()).sum();
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Spreads the users over about 12 s of record time: the load a run of the DAG produces, not a pre-filled topic. */
    private static void pace() {
        try {
            TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
