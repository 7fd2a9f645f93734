package io.userstream.store.consume;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.LocalStack;
import io.userstream.schema.serde.AvroSerializer;
import io.userstream.store.ApiClients;
import io.userstream.store.DeadLetters;
import io.userstream.store.KafkaTestClients;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Dead-letter re-drive (issue 13) as the store sees it, on the real users_dlq, users_processed and
 * Cassandra: dead letters are identified by their origin across re-drives, and a re-driven user that
 * is stored stops counting as dead-lettered, whatever order the two topics are read in.
 * Records are written as the processor writes them: a dead letter keeps the record's headers
 * ({@code userstream.run-id}, {@code redrive.*}) and adds {@code dlq.*}; users_processed keeps them too.
 */
@StoreIntegrationTest
class RedriveIT {

    private static final Duration CONSUMED = Duration.ofSeconds(60);

    @Autowired
    WebTestClient web;

    /** As reader: users, delivery. */
    WebTestClient http;
    /** As operator: dead letters. */
    WebTestClient operator;

    private static AvroSerializer<Object> originals;

    @BeforeAll
    static void serializer(LocalStack stack) {
        originals = new AvroSerializer<>();
        originals.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
    }

    @BeforeEach
    void logIn(LocalStack stack) {
        http = ApiClients.as(web, stack.apiLogins().reader());
        operator = ApiClients.as(web, stack.apiLogins().operator());
    }

    @Test
    void redrivenDeadLetterThatFailsAgainIsStillOneRowWithTheNewErrorAndItsRedriveCount(LocalStack stack) throws Exception {
        UUID run = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        long origin = uniqueOffset();
        Instant firstFailure = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        sendDeadLetter(stack, run, user, dlq("invalid-email", "email 'x' is not an e-mail address", 3, origin, firstFailure));

        Instant secondFailure = firstFailure.plus(5, ChronoUnit.MINUTES);
        Map<String, String> again = dlq("invalid-email", "email 'x' is still not an e-mail address", 1, origin + 777, secondFailure);
        again.putAll(DeadLetters.redriveHeaders(1, "users_created", 3, origin));
        sendDeadLetter(stack, run, user, again);

        operator.get().uri("/api/v1/ingestions/{runId}/dead-letters", run).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].userId").isEqualTo(user.toString())
                .jsonPath("$.items[0].error").isEqualTo("email 'x' is still not an e-mail address")
                .jsonPath("$.items[0].failedAt").value(at -> assertThat(Instant.parse((String) at)).isEqualTo(secondFailure))
                .jsonPath("$.items[0].redriveCount").isEqualTo(1)
                .jsonPath("$.items[0].source.topic").isEqualTo("users_created")
                .jsonPath("$.items[0].source.partition").isEqualTo(3)
                .jsonPath("$.items[0].source.offset").isEqualTo(origin);
        delivery(run, 0, 1);
    }

    @Test
    void redrivenUserThatIsStoredRemovesItsDeadLetterSoStoredPlusDeadLetteredIsPublished(LocalStack stack) throws Exception {
        UUID run = UUID.randomUUID();
        UUID redriven = UUID.randomUUID();
        UUID plain = UUID.randomUUID();
        long origin = uniqueOffset();
        Instant failedAt = Instant.now().minus(10, ChronoUnit.MINUTES);
        sendDeadLetter(stack, run, redriven, dlq("future-date", "registered.date is in the future", 2, origin, failedAt));
        sendUser(stack, run, plain, Map.of(), Instant.now()); // the run's other published user, stored first time
        delivery(run, 1, 1);

        sendUser(stack, run, redriven, DeadLetters.redriveHeaders(1, "users_created", 2, origin), Instant.now());

        http.get().uri("/api/v1/users/{id}", redriven).exchange().expectStatus().isOk();
        operator.get().uri("/api/v1/ingestions/{runId}/dead-letters", run).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
        delivery(run, 2, 0); // published: 2
    }

    @Test
    void originalDeadLetterReadAfterTheRedriveThatResolvedItDoesNotComeBack(LocalStack stack) throws Exception {
        UUID run = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        long origin = uniqueOffset();
        Instant failedAt = Instant.now().minus(10, ChronoUnit.MINUTES);
        // users_dlq is read late (its reader lags, or the topic is replayed): the stored re-drive comes first.
        sendUser(stack, run, user, DeadLetters.redriveHeaders(1, "users_created", 5, origin), Instant.now());
        sendDeadLetter(stack, run, user, dlq("future-date", "registered.date is in the future", 5, origin, failedAt));

        operator.get().uri("/api/v1/ingestions/{runId}/dead-letters", run).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
        delivery(run, 1, 0);
    }

    @Test
    void redrivenUserTheStoreRefusesReplacesItsDeadLetterInsteadOfCountingASecondOne(LocalStack stack) throws Exception {
        UUID run = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        long origin = uniqueOffset();
        sendDeadLetter(stack, run, user, dlq("future-date", "registered.date is in the future", 4, origin,
                Instant.now().minus(10, ChronoUnit.MINUTES)));

        var refused = TestUsers.user(user, run, "QR", "female", Instant.parse("2022-03-04T05:06:07Z"), "rd-" + user);
        refused.setUsername("u".repeat(70_000)); // over Cassandra's 64 KiB key limit: refused for good
        Map<String, String> headers = new LinkedHashMap<>(DeadLetters.redriveHeaders(1, "users_created", 4, origin));
        headers.put("userstream.run-id", run.toString());
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            producer.send(new ProducerRecord<>("users_processed", null, Instant.now().toEpochMilli(), user.toString(), refused,
                    DeadLetters.kafkaHeaders(headers))).get();
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");
        KafkaTestClients.awaitDeadLettersConsumed(stack, CONSUMED); // the store's own dead letter of it, read back

        operator.get().uri("/api/v1/ingestions/{runId}/dead-letters", run).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].reason").isEqualTo("unwritable")
                .jsonPath("$.items[0].stage").isEqualTo("store")
                .jsonPath("$.items[0].redriveCount").isEqualTo(1)
                .jsonPath("$.items[0].source.offset").isEqualTo(origin);
        delivery(run, 0, 1);
    }

    /** The dlq.* headers of a validation dead letter of a users_created record. */
    private static Map<String, String> dlq(String reason, String error, int partition, long offset, Instant failedAt) {
        return new LinkedHashMap<>(DeadLetters.headers(reason, "validate", error, "users_created", partition, offset,
                failedAt.toString(), "stream-processor"));
    }

    /** A dead letter as the processor writes it: the record's headers (its run id among them) plus {@code headers}. */
    private static void sendDeadLetter(LocalStack stack, UUID run, UUID user, Map<String, String> headers) throws Exception {
        Map<String, String> withRun = new LinkedHashMap<>(headers);
        withRun.put("userstream.run-id", run.toString());
        try (KafkaProducer<String, byte[]> producer = KafkaTestClients.rawProducer(stack)) {
            producer.send(DeadLetters.record("users_dlq", user.toString(),
                    originals.serialize("users_created", TestUsers.created(user, run, "rd-" + user)), withRun)).get();
        }
        KafkaTestClients.awaitDeadLettersConsumed(stack, CONSUMED);
    }

    private static void sendUser(LocalStack stack, UUID run, UUID user, Map<String, String> headers, Instant timestamp) throws Exception {
        Map<String, String> withRun = new LinkedHashMap<>(headers);
        withRun.put("userstream.run-id", run.toString());
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            producer.send(new ProducerRecord<>("users_processed", null, timestamp.toEpochMilli(), user.toString(),
                    TestUsers.user(user, run, "QR", "female", Instant.parse("2022-03-04T05:06:07Z"), "rd-" + user),
                    DeadLetters.kafkaHeaders(withRun))).get();
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");
    }

    private void delivery(UUID run, long stored, long deadLettered) {
        http.get().uri("/api/v1/ingestions/{runId}/delivery", run).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.stored").isEqualTo(stored)
                .jsonPath("$.deadLettered").isEqualTo(deadLettered);
    }

    /** Source offsets no other test uses. */
    private static long uniqueOffset() {
        return 9_000_000L + (System.nanoTime() & 0xFFFFFF) * 1000;
    }
}
