package io.userstream.store.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.userstream.localstack.LocalStack;
import io.userstream.schema.UserProcessed;
import io.userstream.schema.serde.AvroSerializer;
import io.userstream.store.ApiClients;
import io.userstream.store.DeadLetters;
import io.userstream.store.KafkaTestClients;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import io.userstream.store.query.UsersPage;
import io.userstream.store.schema.DataLayout;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Erasure of a person (issue 14) against the real service, Kafka, registry and Cassandra: DELETE
 * removes the user from every table and every endpoint, is idempotent and audited, and no later copy of
 * the user's record brings them back (a late duplicate, the store's consumer group rewound as a replay
 * does, a re-drive), while the other users of the same records are stored. Who may erase: AccessIT.
 */
@StoreIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class ErasureIT {

    private static final Duration CONSUMED = Duration.ofSeconds(60);
    /** No other test stores users of this country. */
    private static final String COUNTRY = "QE";
    private static final Instant REGISTERED = Instant.parse("2023-04-05T06:07:08Z");

    @Autowired
    WebTestClient web;
    @Autowired
    CqlSession session;
    @Autowired
    MeterRegistry meters;
    @Autowired
    KafkaListenerEndpointRegistry listeners;

    /** As reader: users, delivery. */
    WebTestClient reader;
    /** As operator: the erasure, dead letters. */
    WebTestClient operator;
    String operatorName;

    private static AvroSerializer<Object> originals;

    @BeforeAll
    static void serializer(LocalStack stack) {
        originals = new AvroSerializer<>();
        originals.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
    }

    @BeforeEach
    void logIn(LocalStack stack) {
        reader = ApiClients.as(web, stack.apiLogins().reader());
        operator = ApiClients.as(web, stack.apiLogins().operator());
        operatorName = stack.apiLogins().operator().username();
    }

    @Test
    void erasedUserIsGoneFromEveryTableAndEndpointAndNoReplayOfTheRecordsBringsThemBack(LocalStack stack, CapturedOutput output)
            throws Exception {
        UUID run = UUID.randomUUID();
        UserProcessed erased = TestUsers.user(UUID.randomUUID(), run, COUNTRY, "female", REGISTERED, "erased-" + run);
        UserProcessed kept = TestUsers.user(UUID.randomUUID(), run, COUNTRY, "female", REGISTERED.plusSeconds(1), "kept-" + run);
        List<RecordMetadata> records = publish(stack, List.of(erased, kept));
        assertStored(erased);
        assertStored(kept);
        delivery(run, 2, 0);

        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        operator.delete().uri("/api/v1/users/{id}", erased.getUserId()).exchange()
                .expectStatus().isNoContent()
                .expectBody().isEmpty();

        assertGone(erased);
        assertStored(kept);
        delivery(run, 1, 1);
        Row entry = erasureListEntry(erased.getUserId());
        assertThat(entry.getString("erased_by")).isEqualTo(operatorName);
        assertThat(entry.getInstant("erased_at")).isBetween(before, Instant.now());
        // The list keeps the id, the time and the principal, nothing of the person.
        assertThat(session.getMetadata().getKeyspace("userstream_it").orElseThrow().getTable("erased_users").orElseThrow()
                .getColumns().values()).extracting(column -> column.getName().asInternal())
                .containsExactlyInAnyOrder("user_id", "erased_at", "erased_by");
        // The audit line: who erased whom, without the person's data.
        assertThat(output.getOut()).contains("Erasure of user " + erased.getUserId() + " requested by " + operatorName
                + ": stored rows deleted");
        assertThat(output.getOut()).doesNotContain(erased.getEmail()).doesNotContain(erased.getUsername());

        // Idempotent: a second erasure answers the same and leaves the first one's audit entry.
        operator.delete().uri("/api/v1/users/{id}", erased.getUserId()).exchange().expectStatus().isNoContent();
        assertThat(erasureListEntry(erased.getUserId()).getInstant("erased_at")).isEqualTo(entry.getInstant("erased_at"));
        assertGone(erased);
        delivery(run, 1, 1);

        // A late duplicate of the same records: the erased user is skipped (and counted as erased), the other stored.
        double skippedBefore = erasedRecordsSkipped();
        publish(stack, List.of(erased, kept));
        assertGone(erased);
        assertStored(kept);
        delivery(run, 1, 1);
        assertThat(erasedRecordsSkipped() - skippedBefore).as("records of erased users the writer skipped").isEqualTo(1.0);

        // A replay: the store's consumer group rewound to the first records, as resetting it to the beginning of the
        // topic does for them (only these partitions and offsets on: the rest of the topic is other tests' records).
        skippedBefore = erasedRecordsSkipped();
        rewindStoreTo(stack, records);
        assertGone(erased);
        assertStored(kept);
        delivery(run, 1, 1);
        assertThat(erasedRecordsSkipped() - skippedBefore).as("the replay passed the erased user's records again")
                .isGreaterThanOrEqualTo(2.0);
    }

    @Test
    void aPersonErasedBeforeTheirRecordIsStoredIsNeverStoredAndTheirReDriveCountsAsErased(LocalStack stack) throws Exception {
        UUID run = UUID.randomUUID();
        UserProcessed erased = TestUsers.user(UUID.randomUUID(), run, COUNTRY, "male", REGISTERED, "redriven-" + run);
        UserProcessed other = TestUsers.user(UUID.randomUUID(), run, COUNTRY, "male", REGISTERED, "other-" + run);
        // The person's record was dead-lettered by validation; the run's other user was stored.
        long origin = 8_000_000L + (System.nanoTime() & 0xFFFFFF) * 1000;
        sendDeadLetter(stack, run, erased.getUserId(), origin);
        publish(stack, List.of(other));
        delivery(run, 1, 1, 0);

        // Nothing is stored of them yet: the erasure only puts them on the list.
        operator.delete().uri("/api/v1/users/{id}", erased.getUserId()).exchange().expectStatus().isNoContent();
        assertThat(erasureListEntry(erased.getUserId()).getString("erased_by")).isEqualTo(operatorName);
        delivery(run, 1, 1, 0);

        // The operator (or a bulk re-drive of the run) re-drives the dead letter, and it now passes validation.
        Map<String, String> headers = new LinkedHashMap<>(DeadLetters.redriveHeaders(1, "users_created", 1, origin));
        headers.put("userstream.run-id", run.toString());
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            producer.send(new ProducerRecord<>("users_processed", null, Instant.now().toEpochMilli(), erased.getUserId().toString(),
                    erased, DeadLetters.kafkaHeaders(headers))).get();
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");

        assertGone(erased);
        assertStored(other);
        // Resolved as erased, not stored: the dead letter leaves the run's listing and the count still adds up to 2.
        delivery(run, 1, 0, 1);
        operator.get().uri("/api/v1/ingestions/{runId}/dead-letters", run).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0);
    }

    @Test
    void erasingAnIdNeverStoredIs204AndAMalformedIdA400Problem() {
        UUID unknown = UUID.randomUUID();
        operator.delete().uri("/api/v1/users/{id}", unknown).exchange().expectStatus().isNoContent();
        operator.delete().uri("/api/v1/users/{id}", unknown).exchange().expectStatus().isNoContent();
        assertThat(erasureListEntry(unknown).getString("erased_by")).isEqualTo(operatorName);

        operator.delete().uri("/api/v1/users/not-a-uuid").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.parameter").isEqualTo("id");
    }

    /** Publishes the users to users_processed, keyed by id as the processor does, and waits until the store consumed them. */
    private static List<RecordMetadata> publish(LocalStack stack, List<UserProcessed> users) throws Exception {
        List<RecordMetadata> sent = new ArrayList<>();
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            for (UserProcessed user : users) {
                sent.add(producer.send(new ProducerRecord<>("users_processed", user.getUserId().toString(), user)).get());
            }
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");
        return sent;
    }

    /**
     * Stops the store's consumer, moves its group back to the records' offsets on their partitions (the group must
     * have no members for that), starts it again and waits until it has consumed the topic once more.
     */
    private void rewindStoreTo(LocalStack stack, List<RecordMetadata> records) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> rewound = new HashMap<>();
        for (RecordMetadata record : records) {
            rewound.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset()),
                    (a, b) -> a.offset() <= b.offset() ? a : b);
        }
        MessageListenerContainer container = listeners.getListenerContainer(ProcessedRecordsListener.LISTENER_ID);
        assertThat(container).isNotNull();
        try (AdminClient admin = AdminClient.create(stack.kafkaClientProperties())) {
            container.stop();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(KafkaTestClients.GROUP))
                            .describedGroups().get(KafkaTestClients.GROUP).get();
                    return group.groupState() == GroupState.EMPTY;
                });
                admin.alterConsumerGroupOffsets(KafkaTestClients.GROUP, rewound).all().get();
            } finally {
                container.start();
            }
        }
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");
    }

    /** A dead letter of the person's users_created record, as the processor's validation writes it. */
    private static void sendDeadLetter(LocalStack stack, UUID run, UUID user, long origin) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>(DeadLetters.headers("invalid-email", "validate", "email: not an e-mail address",
                "users_created", 1, origin, Instant.now().minus(10, ChronoUnit.MINUTES).toString(), "stream-processor"));
        headers.put("userstream.run-id", run.toString());
        try (KafkaProducer<String, byte[]> producer = KafkaTestClients.rawProducer(stack)) {
            producer.send(DeadLetters.record("users_dlq", user.toString(),
                    originals.serialize("users_created", TestUsers.created(user, run, "er-" + user)), headers)).get();
        }
        KafkaTestClients.awaitDeadLettersConsumed(stack, CONSUMED);
    }

    private void assertStored(UserProcessed user) {
        reader.get().uri("/api/v1/users/{id}", user.getUserId()).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.username").isEqualTo(user.getUsername());
        reader.get().uri("/api/v1/users/by-email/{email}", user.getEmail()).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(user.getUserId().toString());
        assertThat(countryListing()).contains(user.getUserId().toString());
    }

    /** Absent from every endpoint that shows users and from every table that holds them, read with CQL. */
    private void assertGone(UserProcessed user) {
        UUID id = user.getUserId();
        reader.get().uri("/api/v1/users/{id}", id).exchange().expectStatus().isNotFound();
        reader.get().uri("/api/v1/users/by-email/{email}", user.getEmail()).exchange().expectStatus().isNotFound();
        reader.get().uri("/api/v1/users/by-username/{username}", user.getUsername()).exchange().expectStatus().isNotFound();
        assertThat(countryListing()).doesNotContain(id.toString());

        assertThat(rows("SELECT user_id FROM userstream_it.users WHERE user_id = ?", id)).isZero();
        assertThat(rows("SELECT user_id FROM userstream_it.users_by_country WHERE country_code = ? AND registered_year = ? "
                + "AND registered_at = ? AND user_id = ?", COUNTRY, DataLayout.registrationYear(user.getRegisteredAt()),
                user.getRegisteredAt(), id)).isZero();
        assertThat(rows("SELECT user_id FROM userstream_it.users_by_email WHERE email = ?", user.getEmail())).isZero();
        assertThat(rows("SELECT user_id FROM userstream_it.users_by_username WHERE username = ?", user.getUsername())).isZero();
        UUID run = user.getIngestion().getRunId();
        assertThat(rows("SELECT user_id FROM userstream_it.users_by_run WHERE run_id = ? AND shard = ? AND user_id = ?",
                run, DataLayout.runShard(id), id)).isZero();
        // What stays: the id on the erasure list and in its run's erased count.
        assertThat(rows("SELECT user_id FROM userstream_it.erased_users WHERE user_id = ?", id)).isOne();
    }

    /** The ids of the country's users (the test country holds a few only: one page). */
    private List<String> countryListing() {
        UsersPage page = reader.get().uri("/api/v1/users?country={country}&limit=500", COUNTRY).exchange()
                .expectStatus().isOk()
                .expectBody(UsersPage.class).returnResult().getResponseBody();
        assertThat(page.nextPageToken()).isNull();
        return page.items().stream().map(user -> user.id().toString()).toList();
    }

    private void delivery(UUID run, long stored, long erased) {
        delivery(run, stored, 0, erased);
    }

    private void delivery(UUID run, long stored, long deadLettered, long erased) {
        reader.get().uri("/api/v1/ingestions/{runId}/delivery", run).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.stored").isEqualTo(stored)
                .jsonPath("$.deadLettered").isEqualTo(deadLettered)
                .jsonPath("$.erased").isEqualTo(erased);
    }

    private Row erasureListEntry(UUID id) {
        Row row = session.execute("SELECT erased_at, erased_by FROM userstream_it.erased_users WHERE user_id = ?", id).one();
        assertThat(row).as("erasure list entry of %s", id).isNotNull();
        return row;
    }

    private double erasedRecordsSkipped() {
        Counter skipped = meters.find("userstream.store.records.written").tag("kind", "users-erased").counter();
        return skipped == null ? 0 : skipped.count(); // registered with the first skip
    }

    private int rows(String cql, Object... values) {
        return session.execute(cql, values).all().size();
    }
}
