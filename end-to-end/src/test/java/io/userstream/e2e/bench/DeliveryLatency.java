package io.userstream.e2e.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Ingest-to-queryable latency of single users: the users_created record's timestamp (CreateTime, set
 * by ingest-service's producer when it published the user) against the write time of the user's
 * row in Cassandra (WRITETIME, set by the user store's driver when it wrote the row). Both clocks are
 * this machine's.
 */
final class DeliveryLatency {

    static final String TOPIC = "users_created";

    private final Map<String, Object> clientProperties;
    private final CqlSession session;

    /** {@code clientProperties}: {@code bootstrap.servers} and a login ({@code LocalStack.kafkaClientProperties()}). */
    DeliveryLatency(Map<String, Object> clientProperties, CqlSession session) {
        this.clientProperties = Map.copyOf(clientProperties);
        this.session = session;
    }

    /** One published user: its key (the user id) and when it was published. */
    record Published(String userId, long publishedAtMillis) {
    }

    /** Latencies in milliseconds, sorted; missing = sampled users without a row in users. */
    record Latencies(long[] sortedMillis, int missing) {

        long percentile(double p) {
            if (sortedMillis.length == 0) {
                return -1;
            }
            int index = (int) Math.ceil(p / 100.0 * sortedMillis.length) - 1;
            return sortedMillis[Math.max(0, Math.min(index, sortedMillis.length - 1))];
        }

        long max() {
            return sortedMillis.length == 0 ? -1 : sortedMillis[sortedMillis.length - 1];
        }
    }

    /** End offsets of every partition of users_created now: the start of what a later {@link #publishedSince} reads. */
    Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(30));
        }
    }

    /** Every record published to users_created between the given offsets and the end offsets now (keys and timestamps only). */
    List<Published> publishedSince(Map<TopicPartition, Long> from) {
        List<Published> published = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            Map<TopicPartition, Long> to = consumer.endOffsets(from.keySet(), Duration.ofSeconds(30));
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (from.keySet().stream().anyMatch(tp -> consumer.position(tp) < to.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + TOPIC + " took over 5 minutes");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (record.offset() < to.get(new TopicPartition(record.topic(), record.partition()))) {
                        published.add(new Published(record.key(), record.timestamp()));
                    }
                }
            }
        }
        return published;
    }

    /**
     * WRITETIME(email) of each sampled user's row in {@code keyspace.users} minus its publish time.
     * Reads run asynchronously, 64 at a time.
     */
    Latencies measure(List<Published> published, int sampleSize, String keyspace) throws InterruptedException {
        List<Published> sample = new ArrayList<>(published);
        Collections.shuffle(sample, new Random(42));
        sample = sample.subList(0, Math.min(sampleSize, sample.size()));
        PreparedStatement writeTime = session.prepare("SELECT WRITETIME(email) FROM " + keyspace + ".users WHERE user_id = ?");
        long[] latencies = new long[sample.size()];
        AtomicInteger found = new AtomicInteger();
        AtomicInteger missing = new AtomicInteger();
        Semaphore inFlight = new Semaphore(64);
        List<CompletableFuture<?>> reads = new ArrayList<>();
        for (Published user : sample) {
            inFlight.acquire();
            reads.add(session.executeAsync(writeTime.bind(UUID.fromString(user.userId()))).toCompletableFuture()
                    .whenComplete((result, error) -> {
                        inFlight.release();
                        Row row = error == null ? result.one() : null;
                        if (row == null || row.isNull(0)) {
                            missing.incrementAndGet();
                        } else {
                            long writtenAtMillis = row.getLong(0) / 1000; // microseconds since the epoch
                            latencies[found.getAndIncrement()] = writtenAtMillis - user.publishedAtMillis();
                        }
                    }));
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        long[] measured = Arrays.copyOf(latencies, found.get());
        Arrays.sort(measured);
        return new Latencies(measured, missing.get());
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties config = new Properties();
        config.putAll(clientProperties);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // Only committed records: ingest publishes idempotently, and an aborted one would never reach the store.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
