package io.userstream.store.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.userstream.localstack.LocalStack;
import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserStats;
import io.userstream.schema.serde.AvroSerializer;
import io.userstream.store.DeadLetters;
import io.userstream.store.KafkaTestClients;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import io.userstream.store.schema.DataLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;

/**
 * Poison in every topic the store reads: bytes that are not Avro at all, and the Confluent wire
 * format naming a schema id the registry does not know. Each is put in front of a good record on the
 * same partition: the good one must still be stored (nothing blocks), and the poison must be
 * dead-lettered with its reason (users_processed, user_stats) or counted and skipped (users_dlq, whose
 * dead letters are never dead-lettered again).
 */
@StoreIntegrationTest
class PoisonRecordsIT {

    private static final Duration CONSUMED = Duration.ofSeconds(60);
    private static final int PARTITION = 4;
    private static final byte[] GARBAGE = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);

    @Autowired
    CqlSession session;
    @Autowired
    MeterRegistry meters;
    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void poisonInUsersProcessedIsDeadLetteredAndTheNextUserStored(LocalStack stack) throws Exception {
        UUID run = UUID.randomUUID();
        UUID good = UUID.randomUUID();
        int unknownId = unknownSchemaId();
        RecordMetadata garbage;
        RecordMetadata unknown;
        try (KafkaProducer<String, byte[]> raw = KafkaTestClients.rawProducer(stack);
             KafkaProducer<String, Object> avro = KafkaTestClients.avroProducer(stack)) {
            garbage = raw.send(new ProducerRecord<>("users_processed", PARTITION, "poison-1", GARBAGE)).get();
            unknown = raw.send(new ProducerRecord<>("users_processed", PARTITION, "poison-2", wireFormat(unknownId))).get();
            avro.send(new ProducerRecord<>("users_processed", PARTITION, good.toString(),
                    TestUsers.user(good, run, "QP", "female", Instant.parse("2020-03-03T00:00:00Z"), "after-poison"))).get();
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");

        assertThat(session.execute("SELECT user_id FROM userstream_it.users WHERE user_id = ?", good).one()).isNotNull();
        assertUndecodableDeadLetter(stack, "users_processed", garbage, GARBAGE, "magic byte");
        assertUndecodableDeadLetter(stack, "users_processed", unknown, wireFormat(unknownId), Integer.toString(unknownId));
    }

    @Test
    void poisonInUserStatsIsDeadLetteredAndTheNextWindowStored(LocalStack stack) throws Exception {
        String country = "Poisonland-" + UUID.randomUUID();
        Instant start = Instant.parse("2026-11-21T12:00:00Z");
        int unknownId = unknownSchemaId();
        RecordMetadata garbage;
        RecordMetadata unknown;
        try (KafkaProducer<String, byte[]> raw = KafkaTestClients.rawProducer(stack);
             KafkaProducer<String, Object> avro = KafkaTestClients.avroProducer(stack)) {
            garbage = raw.send(new ProducerRecord<>("user_stats", PARTITION, "COUNTRY|" + country, GARBAGE)).get();
            unknown = raw.send(new ProducerRecord<>("user_stats", PARTITION, "COUNTRY|" + country, wireFormat(unknownId))).get();
            avro.send(new ProducerRecord<>("user_stats", PARTITION, "COUNTRY|" + country, UserStats.newBuilder()
                    .setWindowStart(start).setWindowEnd(start.plusSeconds(60))
                    .setDimension(StatsDimension.COUNTRY).setKey(country).setCount(11).build())).get();
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "user_stats");

        var row = session.execute("SELECT user_count FROM userstream_it.user_stats WHERE dimension = 'COUNTRY' AND dimension_key = ?"
                + " AND day = ? AND window_start = ?", country, DataLayout.statsDay(start), start).one();
        assertThat(row).isNotNull();
        assertThat(row.getLong(0)).isEqualTo(11);
        assertUndecodableDeadLetter(stack, "user_stats", garbage, GARBAGE, "magic byte");
        assertUndecodableDeadLetter(stack, "user_stats", unknown, wireFormat(unknownId), Integer.toString(unknownId));
    }

    @Test
    void poisonInUsersDlqIsCountedAndSkippedAndTheNextDeadLetterCounted(LocalStack stack) throws Exception {
        UUID run = UUID.randomUUID();
        long offset = 5_000_000L + (System.nanoTime() & 0xFFFFF);
        AvroSerializer<Object> originals = new AvroSerializer<>();
        originals.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        UUID user = UUID.randomUUID();
        KafkaTestClients.awaitDeadLettersConsumed(stack, CONSUMED); // earlier tests' dead letters are in the baseline
        double undecodableBefore = unattributed("undecodable");
        try (KafkaProducer<String, byte[]> producer = KafkaTestClients.rawProducer(stack)) {
            // Not even dlq.* headers: identified by its own place on users_dlq.
            producer.send(new ProducerRecord<>("users_dlq", PARTITION, "poison-dl-1", GARBAGE)).get();
            // A dead-letterer's reason that says nothing about the bytes, which name an unknown schema id.
            producer.send(withPartition(DeadLetters.record("users_dlq", "poison-dl-2", wireFormat(unknownSchemaId()),
                    DeadLetters.headers("unwritable", "store", "refused", "users_processed", 2, offset, Instant.now().toString(),
                            "user-store-service")))).get();
            producer.send(withPartition(DeadLetters.record("users_dlq", user.toString(),
                    originals.serialize("users_created", TestUsers.created(user, run, "after-dl-poison")),
                    DeadLetters.headers("invalid-email", "validate", "not an e-mail address", "users_created", 2, offset + 1,
                            Instant.now().toString(), "stream-processor")))).get();
        }
        KafkaTestClients.awaitDeadLettersConsumed(stack, CONSUMED);

        long counted = 0;
        for (int shard = 0; shard < DataLayout.DEAD_LETTER_SHARDS; shard++) {
            counted += session.execute("SELECT COUNT(*) FROM userstream_it.dead_letters_by_run WHERE run_id = ? AND shard = ?", run, shard)
                    .one().getLong(0);
        }
        assertThat(counted).as("dead letters of the run after the poison").isEqualTo(1);
        assertThat(unattributed("undecodable") - undecodableBefore).as("poison counted as naming no run").isEqualTo(2.0);
        assertThat(listeners.getListenerContainer(DeadLetterRecordsListener.LISTENER_ID).isRunning()).isTrue();
    }

    private static void assertUndecodableDeadLetter(LocalStack stack, String topic, RecordMetadata source, byte[] original,
                                                    String errorMentions) {
        var deadLetter = DeadLetters.find(stack, topic, source);
        assertThat(deadLetter.value()).isEqualTo(original);
        Map<String, String> headers = DeadLetters.headers(deadLetter);
        assertThat(headers).containsEntry("dlq.reason", "undecodable")
                .containsEntry("dlq.stage", "deserialize")
                .containsEntry("dlq.source.topic", topic)
                .containsEntry("dlq.service", "user-store-service")
                .containsKey("dlq.failed-at");
        assertThat(headers.get("dlq.error")).containsIgnoringCase(errorMentions);
    }

    /** Confluent wire format: magic byte 0, the schema id (4 bytes, big-endian), then an Avro body. */
    private static byte[] wireFormat(int schemaId) {
        return ByteBuffer.allocate(8).put((byte) 0).putInt(schemaId).put(new byte[] {2, 'x', 0}).array();
    }

    private static int unknownSchemaId() {
        return 2_000_000_000 + ThreadLocalRandom.current().nextInt(100_000_000);
    }

    private static ProducerRecord<String, byte[]> withPartition(ProducerRecord<String, byte[]> record) {
        return new ProducerRecord<>(record.topic(), PARTITION, record.key(), record.value(), record.headers());
    }

    private double unattributed(String cause) {
        Counter counter = meters.find("userstream.store.dead.letters.unattributed").tag("cause", cause).counter();
        return counter == null ? 0 : counter.count();
    }
}
