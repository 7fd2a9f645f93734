package io.userstream.store.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.schema.serde.AvroSerializer;
import io.userstream.store.DeadLetters;
import io.userstream.store.KafkaTestClients;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * Cassandra stops while users stream in and dead letters arrive, and comes back: every user ends up
 * stored once, every dead letter recorded once, the consumers live on.
 */
@StoreIntegrationTest
class CassandraOutageIT {

    private static final int USERS = 3_000;
    private static final String COUNTRY = "ZO";
    private static final int DEAD_LETTERS = 200;

    @Autowired
    CqlSession session;
    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void cassandraStoppedMidStreamLosesNothingAndStoresNothingTwice(LocalStack stack) throws Exception {
        UUID runId = UUID.randomUUID();
        MessageListenerContainer container = listeners.getListenerContainer(ProcessedRecordsListener.LISTENER_ID);
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(stack, runId));

        awaitStored(runId, 1, Duration.ofSeconds(60)); // the stream is being written: stop Cassandra under it
        stack.stop(ServerKind.CASSANDRA);
        producing.get();
        produceDeadLetters(stack, runId); // read back while Cassandra is away: retried, not skipped
        Thread.sleep(3_000); // batches fail and are retried while Cassandra is away
        assertThat(container.isRunning()).isTrue();
        assertThat(stack.isRunning(ServerKind.CASSANDRA)).isFalse();

        stack.start(ServerKind.CASSANDRA);
        KafkaTestClients.awaitConsumed(stack, Duration.ofSeconds(180), "users_processed");
        KafkaTestClients.awaitDeadLettersConsumed(stack, Duration.ofSeconds(60));

        assertThat(storedOfRun(runId)).isEqualTo(USERS);
        long rowsOfCountry = session.execute("SELECT user_id FROM userstream_it.users_by_country WHERE country_code = ? AND registered_year = 2020",
                COUNTRY).all().stream().map(row -> row.getUuid(0)).distinct().count();
        assertThat(rowsOfCountry).isEqualTo(USERS);
        assertThat(session.execute("SELECT COUNT(*) FROM userstream_it.users_by_country WHERE country_code = ? AND registered_year = 2020",
                COUNTRY).one().getLong(0)).isEqualTo(USERS);
        assertThat(container.isRunning()).isTrue();
        assertThat(container.isPauseRequested()).isFalse();
        assertThat(deadLettersOfRun(runId)).isEqualTo(DEAD_LETTERS);
        assertThat(listeners.getListenerContainer(DeadLetterRecordsListener.LISTENER_ID).isRunning()).isTrue();
    }

    private static void produceDeadLetters(LocalStack stack, UUID runId) throws Exception {
        AvroSerializer<Object> originals = new AvroSerializer<>();
        originals.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        long base = System.nanoTime() & 0xFFFFFFF;
        try (KafkaProducer<String, byte[]> producer = KafkaTestClients.rawProducer(stack)) {
            for (int i = 0; i < DEAD_LETTERS; i++) {
                UUID id = UUID.randomUUID();
                producer.send(DeadLetters.record("users_dlq", id.toString(), originals.serialize("users_created",
                        TestUsers.created(id, runId, "outage-dl" + i)), DeadLetters.headers("invalid-email", "validate",
                        "not an e-mail address", "users_created", i % 6, base + i, Instant.now().toString(), "stream-processor")));
            }
            producer.flush();
        }
    }

    private long deadLettersOfRun(UUID runId) {
        long deadLetters = 0;
        for (int shard = 0; shard < io.userstream.store.schema.DataLayout.DEAD_LETTER_SHARDS; shard++) {
            deadLetters += session.execute("SELECT COUNT(*) FROM userstream_it.dead_letters_by_run WHERE run_id = ? AND shard = ?",
                    runId, shard).one().getLong(0);
        }
        return deadLetters;
    }

    private static void produce(LocalStack stack, UUID runId) {
        Instant base = Instant.parse("2020-06-01T00:00:00Z");
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            for (int i = 0; i < USERS; i++) {
                UUID id = UUID.randomUUID();
                producer.send(new ProducerRecord<>("users_processed", id.toString(),
                        TestUsers.user(id, runId, COUNTRY, "male", base.plusSeconds(i), "outage" + i)));
                if (i % 100 == 99) {
                    producer.flush();
                    Thread.sleep(50); // a steady stream, so Cassandra stops in the middle of it
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long storedOfRun(UUID runId) {
        long stored = 0;
        for (int shard = 0; shard < io.userstream.store.schema.DataLayout.RUN_SHARDS; shard++) {
            stored += session.execute("SELECT COUNT(*) FROM userstream_it.users_by_run WHERE run_id = ? AND shard = ?", runId, shard)
                    .one().getLong(0);
        }
        return stored;
    }

    private void awaitStored(UUID runId, long atLeast, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (storedOfRun(runId) < atLeast) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("No user of run " + runId + " stored within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
