package io.userstream.store.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.userstream.localstack.LocalStack;
import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserStats;
import io.userstream.schema.serde.AvroSerializer;
import io.userstream.store.DeadLetters;
import io.userstream.store.KafkaTestClients;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import io.userstream.store.schema.DataLayout;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The stream processor writes users_processed and user_stats in Kafka transactions (exactly_once_v2),
 * and a transaction it aborts is retried: what the aborted one wrote is still in the log, marked aborted.
 * The store must read committed records only, on every topic it reads. Each test writes an aborted
 * transaction and then a committed one to the same partition, waits until the committed records are
 * in Cassandra (so the aborted ones, earlier in the partition, were read past), and reads Cassandra.
 */
@StoreIntegrationTest
class ReadCommittedIT {

    private static final Duration STORED = Duration.ofSeconds(60);
    private static final int PARTITION = 0;

    @Autowired
    CqlSession session;

    @Test
    void usersOfAnAbortedTransactionAreNeverStored(LocalStack stack) throws Exception {
        UUID run = UUID.randomUUID();
        List<UUID> aborted = new ArrayList<>();
        List<UUID> committed = new ArrayList<>();
        try (KafkaProducer<String, Object> producer = KafkaTestClients.transactionalAvroProducer(stack, "it-users-" + run)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                UUID id = UUID.randomUUID();
                aborted.add(id);
                producer.send(new ProducerRecord<>("users_processed", PARTITION, id.toString(),
                        TestUsers.user(id, run, "QT", "female", Instant.parse("2020-02-02T00:00:00Z"), "aborted" + i)));
            }
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                UUID id = UUID.randomUUID();
                committed.add(id);
                producer.send(new ProducerRecord<>("users_processed", PARTITION, id.toString(),
                        TestUsers.user(id, run, "QT", "male", Instant.parse("2020-02-03T00:00:00Z"), "committed" + i)));
            }
            producer.commitTransaction();
        }

        await("the committed users stored", () -> committed.stream().allMatch(this::userStored));
        assertThat(aborted).as("users of the aborted transaction in Cassandra").noneMatch(this::userStored);
        assertThat(storedOfRun(run)).as("users_by_run rows of the run").isEqualTo(committed.size());
        KafkaTestClients.awaitConsumed(stack, STORED, "users_processed");
    }

    @Test
    void countsOfAnAbortedTransactionAreNeverStored(LocalStack stack) throws Exception {
        String country = "Txland-" + UUID.randomUUID();
        Instant abortedWindow = Instant.parse("2026-11-21T10:00:00Z");
        Instant committedWindow = Instant.parse("2026-11-21T10:01:00Z");
        try (KafkaProducer<String, Object> producer = KafkaTestClients.transactionalAvroProducer(stack, "it-stats-" + country)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("user_stats", PARTITION, "COUNTRY|" + country, window(country, abortedWindow, 999)));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("user_stats", PARTITION, "COUNTRY|" + country, window(country, committedWindow, 5)));
            producer.commitTransaction();
        }

        await("the committed window stored", () -> windowCount(country, committedWindow) != null);
        assertThat(windowCount(country, committedWindow)).isEqualTo(5L);
        assertThat(windowCount(country, abortedWindow)).as("count of the aborted transaction's window").isNull();
        KafkaTestClients.awaitConsumed(stack, STORED, "user_stats");
    }

    @Test
    void deadLettersOfAnAbortedTransactionAreNeverCounted(LocalStack stack) throws Exception {
        UUID abortedRun = UUID.randomUUID();
        UUID committedRun = UUID.randomUUID();
        AvroSerializer<Object> originals = new AvroSerializer<>();
        originals.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        long offset = 3_000_000L + (System.nanoTime() & 0xFFFFF);
        try (KafkaProducer<String, byte[]> producer = KafkaTestClients.transactionalRawProducer(stack, "it-dlq-" + abortedRun)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(deadLetter(originals, abortedRun, offset));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(deadLetter(originals, committedRun, offset + 1));
            producer.commitTransaction();
        }

        await("the committed dead letter counted", () -> deadLettersOfRun(committedRun) == 1);
        assertThat(deadLettersOfRun(abortedRun)).as("dead letters counted for the aborted transaction's run").isZero();
        KafkaTestClients.awaitDeadLettersConsumed(stack, STORED);
    }

    private static UserStats window(String country, Instant start, long count) {
        return UserStats.newBuilder().setWindowStart(start).setWindowEnd(start.plusSeconds(60))
                .setDimension(StatsDimension.COUNTRY).setKey(country).setCount(count).build();
    }

    private static ProducerRecord<String, byte[]> deadLetter(AvroSerializer<Object> originals, UUID run, long sourceOffset) {
        UUID id = UUID.randomUUID();
        byte[] original = originals.serialize("users_created", TestUsers.created(id, run, "tx" + sourceOffset));
        ProducerRecord<String, byte[]> record = DeadLetters.record("users_dlq", id.toString(), original, DeadLetters.headers(
                "invalid-email", "validate", "not an e-mail address", "users_created", 1, sourceOffset, Instant.now().toString(),
                "stream-processor"));
        return new ProducerRecord<>(record.topic(), PARTITION, record.key(), record.value(), record.headers());
    }

    private boolean userStored(UUID id) {
        return session.execute("SELECT user_id FROM userstream_it.users WHERE user_id = ?", id).one() != null;
    }

    private long storedOfRun(UUID run) {
        long stored = 0;
        for (int shard = 0; shard < DataLayout.RUN_SHARDS; shard++) {
            stored += session.execute("SELECT COUNT(*) FROM userstream_it.users_by_run WHERE run_id = ? AND shard = ?", run, shard)
                    .one().getLong(0);
        }
        return stored;
    }

    private Long windowCount(String country, Instant windowStart) {
        var row = session.execute("SELECT user_count FROM userstream_it.user_stats WHERE dimension = 'COUNTRY' AND dimension_key = ?"
                + " AND day = ? AND window_start = ?", country, DataLayout.statsDay(windowStart), windowStart).one();
        return row == null ? null : row.getLong(0);
    }

    private long deadLettersOfRun(UUID run) {
        long deadLetters = 0;
        for (int shard = 0; shard < DataLayout.DEAD_LETTER_SHARDS; shard++) {
            deadLetters += session.execute("SELECT COUNT(*) FROM userstream_it.dead_letters_by_run WHERE run_id = ? AND shard = ?",
                    run, shard).one().getLong(0);
        }
        return deadLetters;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(STORED);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Not within " + STORED + ": " + what);
            }
            Thread.sleep(100);
        }
    }
}
