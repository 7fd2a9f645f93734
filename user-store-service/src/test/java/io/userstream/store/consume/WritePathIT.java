package io.userstream.store.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.userstream.localstack.LocalStack;
import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserProcessed;
import io.userstream.schema.UserStats;
import io.userstream.store.ApiClients;
import io.userstream.store.DeadLetters;
import io.userstream.store.KafkaTestClients;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

@StoreIntegrationTest
class WritePathIT {

    private static final Duration CONSUMED = Duration.ofSeconds(60);

    @Autowired
    CqlSession session;
    @Autowired
    WebTestClient web;
    @Autowired
    MeterRegistry meters;

    /** As reader: users, stats, delivery. */
    WebTestClient http;

    @BeforeEach
    void logIn(LocalStack stack) {
        http = ApiClients.as(web, stack.apiLogins().reader());
    }

    @Test
    void sameRecordDeliveredTwiceIsOneRowAndCountsOnce(LocalStack stack) throws Exception {
        UUID runId = UUID.randomUUID();
        UUID userId = UUID.randomUUID();
        UserProcessed user = TestUsers.user(userId, runId, "QA", "female", Instant.parse("2019-03-04T05:06:07Z"), "twice");
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            producer.send(new ProducerRecord<>("users_processed", userId.toString(), user)).get();
            KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");
            assertThat(storedCount(runId)).isEqualTo(1);

            producer.send(new ProducerRecord<>("users_processed", userId.toString(), user)).get();
            KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");
        }
        assertThat(rows("SELECT user_id FROM userstream_it.users WHERE user_id = ?", userId)).isEqualTo(1);
        assertThat(rows("SELECT user_id FROM userstream_it.users_by_country WHERE country_code = 'QA' AND registered_year = 2019")).isEqualTo(1);
        assertThat(rows("SELECT user_id FROM userstream_it.users_by_email WHERE email = 'ada.twice@example.org'")).isEqualTo(1);
        assertThat(storedCount(runId)).isEqualTo(1);
        http.get().uri("/api/v1/users/{id}", userId).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.username").isEqualTo("ada_twice");
    }

    @Test
    void undecodableRecordGoesToTheDeadLetterTopicWithTheReason(LocalStack stack) throws Exception {
        byte[] garbage = "not an avro record".getBytes(StandardCharsets.UTF_8);
        RecordMetadata sent;
        try (KafkaProducer<String, byte[]> producer = KafkaTestClients.rawProducer(stack)) {
            sent = producer.send(new ProducerRecord<>("users_processed", "garbage-key", garbage)).get();
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");

        ConsumerRecord<String, byte[]> deadLetter = findDeadLetter(stack, sent);
        assertThat(deadLetter.value()).isEqualTo(garbage);
        assertThat(deadLetter.key()).isEqualTo("garbage-key");
        Map<String, String> headers = headers(deadLetter);
        assertThat(headers).containsEntry("dlq.reason", "undecodable")
                .containsEntry("dlq.stage", "deserialize")
                .containsEntry("dlq.source.topic", "users_processed")
                .containsEntry("dlq.source.partition", Integer.toString(sent.partition()))
                .containsEntry("dlq.source.offset", Long.toString(sent.offset()))
                .containsEntry("dlq.service", "user-store-service")
                .containsKeys("dlq.error", "dlq.failed-at");
        assertThat(Instant.parse(headers.get("dlq.failed-at"))).isBefore(Instant.now().plusSeconds(1));
    }

    @Test
    void recordCassandraRefusesGoesToTheDeadLetterTopicAndTheBatchMovesOn(LocalStack stack) throws Exception {
        UUID runId = UUID.randomUUID();
        UUID refusedId = UUID.randomUUID();
        UUID fineId = UUID.randomUUID();
        UserProcessed refused = TestUsers.user(refusedId, runId, "QB", "male", Instant.parse("2018-01-01T00:00:00Z"), "refused");
        // A partition key over 64 KiB: Cassandra rejects the users_by_username write as invalid, on every try.
        refused.setUsername("u".repeat(70_000));
        UserProcessed fine = TestUsers.user(fineId, runId, "QB", "male", Instant.parse("2018-01-02T00:00:00Z"), "fine");
        double writtenBefore = usersWritten();
        RecordMetadata sent;
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            sent = producer.send(new ProducerRecord<>("users_processed", refusedId.toString(), refused)).get();
            producer.send(new ProducerRecord<>("users_processed", fineId.toString(), fine)).get();
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");

        Map<String, String> headers = headers(findDeadLetter(stack, sent));
        assertThat(headers).containsEntry("dlq.reason", "unwritable").containsEntry("dlq.stage", "store");
        assertThat(headers.get("dlq.error")).containsIgnoringCase("key");
        http.get().uri("/api/v1/users/{id}", fineId).exchange().expectStatus().isOk();
        assertThat(usersWritten() - writtenBefore).as("userstream.store.records.written{kind=users} counts the stored user only").isEqualTo(1.0);

        // The service reads its own dead letter back and counts it for the run, once; the refused
        // user is not also counted as stored, so stored + deadLettered == published (2).
        KafkaTestClients.awaitDeadLettersConsumed(stack, CONSUMED);
        assertThat(delivery(runId)).isEqualTo(new DeliveryBody(runId, 1, 1));
    }

    @Test
    void statsWindowIsStoredAndLaterUpdatesOverwriteIt(LocalStack stack) throws Exception {
        Instant start = Instant.parse("2026-11-21T10:00:00Z");
        String country = "Statsland-" + UUID.randomUUID();
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            for (long count : new long[] {3, 7}) {
                producer.send(new ProducerRecord<>("user_stats", "COUNTRY|" + country, UserStats.newBuilder()
                        .setWindowStart(start).setWindowEnd(start.plusSeconds(60))
                        .setDimension(StatsDimension.COUNTRY).setKey(country).setCount(count).build())).get();
            }
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "user_stats");
        http.get().uri(b -> b.path("/api/v1/stats").queryParam("country", country)
                        .queryParam("from", "2026-11-21T00:00:00Z").queryParam("to", "2026-11-22T00:00:00Z").build())
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.windows.length()").isEqualTo(1)
                .jsonPath("$.windows[0].count").isEqualTo(7)
                .jsonPath("$.windows[0].windowStart").isEqualTo("2026-11-21T10:00:00Z");
    }

    @Test
    void runningCountsOfManyWindowsLeaveEachWindowsLastCount(LocalStack stack) throws Exception {
        // As the stream processor emits them: each record the current total of its window, sent in bursts
        // that the store reads in few batches, so most batches hold several records of each window.
        Instant start = Instant.parse("2026-11-21T11:00:00Z");
        String country = "Runningland-" + UUID.randomUUID();
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            for (long count = 1; count <= 100; count++) {
                for (int window = 0; window < 3; window++) {
                    Instant windowStart = start.plusSeconds(60L * window);
                    producer.send(new ProducerRecord<>("user_stats", "COUNTRY|" + country, UserStats.newBuilder()
                            .setWindowStart(windowStart).setWindowEnd(windowStart.plusSeconds(60))
                            .setDimension(StatsDimension.COUNTRY).setKey(country).setCount(count * (window + 1)).build()));
                }
            }
            producer.flush();
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "user_stats");
        http.get().uri(b -> b.path("/api/v1/stats").queryParam("country", country)
                        .queryParam("from", "2026-11-21T00:00:00Z").queryParam("to", "2026-11-22T00:00:00Z").build())
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.windows.length()").isEqualTo(3)
                .jsonPath("$.windows[0].count").isEqualTo(100)
                .jsonPath("$.windows[1].count").isEqualTo(200)
                .jsonPath("$.windows[2].count").isEqualTo(300);
    }

    private double usersWritten() {
        Counter written = meters.find("userstream.store.records.written").tag("kind", "users").counter();
        return written == null ? 0 : written.count(); // registered with the first write
    }

    private long storedCount(UUID runId) {
        return delivery(runId).stored();
    }

    private DeliveryBody delivery(UUID runId) {
        return http.get().uri("/api/v1/ingestions/{runId}/delivery", runId).exchange()
                .expectStatus().isOk()
                .expectBody(DeliveryBody.class).returnResult().getResponseBody();
    }

    record DeliveryBody(UUID runId, long stored, long deadLettered) {
    }

    private int rows(String cql, Object... values) {
        return session.execute(cql, values).all().size();
    }

    private static ConsumerRecord<String, byte[]> findDeadLetter(LocalStack stack, RecordMetadata source) {
        return DeadLetters.find(stack, "users_processed", source);
    }

    private static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        return DeadLetters.headers(record);
    }
}
