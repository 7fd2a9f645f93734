package io.userstream.store.consume;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.userstream.localstack.LocalStack;
import io.userstream.schema.serde.AvroSerializer;
import io.userstream.store.ApiClients;
import io.userstream.store.DeadLetters;
import io.userstream.store.KafkaTestClients;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import io.userstream.store.query.DeadLetterView;
import io.userstream.store.query.DeadLettersPage;
import io.userstream.store.schema.DataLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Dead letters of both stages (validation's UserCreated, the store's UserProcessed) for two runs,
 * plus two that name no run, produced to the real users_dlq with the real registry's wire format;
 * read back by the service into Cassandra and answered over REST.
 */
@StoreIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterAccountingIT {

    private static final Duration CONSUMED = Duration.ofSeconds(60);
    private static final UUID RUN_A = UUID.randomUUID();
    private static final UUID RUN_B = UUID.randomUUID();
    private static final UUID STORED_A = UUID.randomUUID();
    /** Source offsets no other test uses. */
    private static final long BASE = 1_000_000L + (System.nanoTime() & 0xFFFFF);

    @Autowired
    WebTestClient web;
    @Autowired
    CqlSession session;
    @Autowired
    MeterRegistry meters;

    /** As reader: delivery. */
    WebTestClient http;
    /** As operator: dead letters. */
    WebTestClient operator;

    /** What each dead letter must become: the row the listing shows, by run. */
    private final Map<UUID, List<DeadLetterView>> expected = Map.of(RUN_A, new ArrayList<>(), RUN_B, new ArrayList<>());
    private final List<ProducerRecord<String, byte[]>> deadLetters = new ArrayList<>();
    /** How many were counted as naming no run while this class's dead letters were read the first time. */
    private double unattributedFirstRead;

    @BeforeAll
    void produceDeadLettersOfTwoRuns(LocalStack stack) throws Exception {
        AvroSerializer<Object> originals = new AvroSerializer<>();
        originals.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);

        deadLetter(originals, RUN_A, "users_created", 2, BASE + 1, "invalid-email", "validate",
                "email 'bob.a1-at-example.org' is not an e-mail address", "stream-processor");
        deadLetter(originals, RUN_A, "users_processed", 3, BASE + 2, "unwritable", "store",
                "Key length of 70000 is longer than maximum of 65535", "user-store-service");
        deadLetter(originals, RUN_B, "users_created", 0, BASE + 3, "key-mismatch", "validate",
                "record key is not login.uuid", "stream-processor");
        deadLetter(originals, RUN_B, "users_created", 5, BASE + 4, "missing-field", "validate",
                "name.first is blank", "stream-processor");
        deadLetter(originals, RUN_B, "users_processed", 1, BASE + 5, "unwritable", "store",
                "Cassandra refused the row", "user-store-service");
        // Neither can be attributed to a run: counted and logged, not stored.
        byte[] garbage = "not an avro record".getBytes(StandardCharsets.UTF_8);
        deadLetters.add(DeadLetters.record("users_dlq", "g1", garbage, DeadLetters.headers("undecodable", "deserialize",
                "UnknownMagicByteException: magic byte 0x6e", "users_created", 4, BASE + 6, "2026-11-22T10:00:00Z", "stream-processor")));
        deadLetters.add(DeadLetters.record("users_dlq", "g2", garbage, DeadLetters.headers("invalid-email", "validate",
                "email is not an e-mail address", "users_created", 4, BASE + 7, "2026-11-22T10:00:00Z", "stream-processor")));

        KafkaTestClients.awaitDeadLettersConsumed(stack, CONSUMED); // dead letters of earlier tests are in the baseline
        double unattributedBefore = unattributed();
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            producer.send(new ProducerRecord<>("users_processed", STORED_A.toString(),
                    TestUsers.user(STORED_A, RUN_A, "QD", "female", Instant.parse("2021-02-03T04:05:06Z"), "dl-stored"))).get();
        }
        sendDeadLetters(stack);
        unattributedFirstRead = unattributed() - unattributedBefore;
        KafkaTestClients.awaitConsumed(stack, CONSUMED, "users_processed");
    }

    @BeforeEach
    void logIn(LocalStack stack) {
        http = ApiClients.as(web, stack.apiLogins().reader());
        operator = ApiClients.as(web, stack.apiLogins().operator());
    }

    private void deadLetter(AvroSerializer<Object> originals, UUID run, String sourceTopic, int partition, long offset,
                            String reason, String stage, String error, String service) {
        UUID userId = UUID.randomUUID();
        Object user = sourceTopic.equals("users_created")
                ? TestUsers.created(userId, run, "dl" + offset)
                : TestUsers.user(userId, run, "QD", "male", Instant.parse("2020-01-01T00:00:00Z"), "dl" + offset);
        Instant failedAt = Instant.parse("2026-11-22T10:00:00.123Z").plusSeconds(offset - BASE);
        deadLetters.add(DeadLetters.record("users_dlq", userId.toString(), originals.serialize(sourceTopic, user),
                DeadLetters.headers(reason, stage, error, sourceTopic, partition, offset, failedAt.toString(), service)));
        expected.get(run).add(new DeadLetterView(userId, reason, stage, error, failedAt, service, 0,
                new DeadLetterView.Source(sourceTopic, partition, offset)));
    }

    private void sendDeadLetters(LocalStack stack) throws Exception {
        try (KafkaProducer<String, byte[]> producer = KafkaTestClients.rawProducer(stack)) {
            for (ProducerRecord<String, byte[]> deadLetter : deadLetters) {
                producer.send(deadLetter).get();
            }
        }
        KafkaTestClients.awaitDeadLettersConsumed(stack, CONSUMED);
    }

    @Test
    void eachDeadLetterIsOneRowUnderItsRun() {
        for (UUID run : List.of(RUN_A, RUN_B)) {
            assertThat(rows(run)).containsExactlyInAnyOrderElementsOf(expected.get(run));
        }
    }

    @Test
    void deliveryCountsStoredAndDeadLetteredPerRun() {
        delivery(RUN_A, 1, 2);
        delivery(RUN_B, 0, 3);
        delivery(UUID.randomUUID(), 0, 0);
    }

    @Test
    void deadLettersNamingNoRunAreCountedNotStored() {
        assertThat(unattributedFirstRead).isEqualTo(2.0);
    }

    @Test
    void listingWalksEveryDeadLetterOfTheRunOncePageByPage() {
        assertThat(walk(RUN_B, 1)).containsExactlyInAnyOrderElementsOf(expected.get(RUN_B));
        assertThat(walk(RUN_B, 2)).containsExactlyInAnyOrderElementsOf(expected.get(RUN_B));
        assertThat(walk(RUN_A, 50)).containsExactlyInAnyOrderElementsOf(expected.get(RUN_A));
        DeadLettersPage unknown = page(UUID.randomUUID(), "50", null);
        assertThat(unknown.items()).isEmpty();
        assertThat(unknown.nextPageToken()).isNull();
    }

    @Test
    void replayingTheSameDeadLettersCountsThemOnce(LocalStack stack) throws Exception {
        double unattributedBeforeReplay = unattributed();
        sendDeadLetters(stack);
        delivery(RUN_A, 1, 2);
        delivery(RUN_B, 0, 3);
        for (UUID run : List.of(RUN_A, RUN_B)) {
            assertThat(rows(run)).containsExactlyInAnyOrderElementsOf(expected.get(run));
        }
        // Records naming no run are counted each time they are read: the counter says how often that happened.
        assertThat(unattributed() - unattributedBeforeReplay).isEqualTo(2.0);
    }

    @Test
    void badListingParametersAre400() {
        problem("/api/v1/ingestions/run-7/dead-letters", "runId");
        problem("/api/v1/ingestions/" + RUN_B + "/dead-letters?limit=0", "limit");
        problem("/api/v1/ingestions/" + RUN_B + "/dead-letters?limit=501", "limit");
        problem("/api/v1/ingestions/" + RUN_B + "/dead-letters?limit=few", "limit");
        for (String token : List.of("!!!", "AAAA", "AQAAB-MAAAAA")) { // the last: a /users token for year 2019
            problem("/api/v1/ingestions/" + RUN_B + "/dead-letters?pageToken=" + token, "pageToken");
        }
    }

    @Test
    void pageTokenOfAnotherRunIs400() {
        // A full page ends inside a shard, so its token carries Cassandra's paging state, which is
        // bound to run B's query. (A token pointing at a shard's start carries none and suits any run.)
        String tokenOfB = page(RUN_B, "1", null).nextPageToken();
        assertThat(tokenOfB).isNotNull();
        assertThat(hasPagingState(tokenOfB)).isTrue();
        problem("/api/v1/ingestions/" + RUN_A + "/dead-letters?limit=1&pageToken=" + tokenOfB, "pageToken");
    }

    private static boolean hasPagingState(String token) {
        return java.util.Base64.getUrlDecoder().decode(token).length > 9;
    }

    private List<DeadLetterView> walk(UUID run, int limit) {
        List<DeadLetterView> walked = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            DeadLettersPage page = page(run, Integer.toString(limit), token);
            assertThat(page.items().size()).isLessThanOrEqualTo(limit);
            walked.addAll(page.items());
            token = page.nextPageToken();
            assertThat(++pages).as("pages walked").isLessThanOrEqualTo(DataLayout.DEAD_LETTER_SHARDS + 10);
        } while (token != null);
        return walked;
    }

    private DeadLettersPage page(UUID run, String limit, String token) {
        return operator.get().uri(b -> {
                    b.path("/api/v1/ingestions/{runId}/dead-letters").queryParam("limit", limit);
                    if (token != null) {
                        b.queryParam("pageToken", token);
                    }
                    return b.build(run);
                })
                .exchange()
                .expectStatus().isOk()
                .expectBody(DeadLettersPage.class).returnResult().getResponseBody();
    }

    private void delivery(UUID run, long stored, long deadLettered) {
        http.get().uri("/api/v1/ingestions/{runId}/delivery", run).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.runId").isEqualTo(run.toString())
                .jsonPath("$.stored").isEqualTo(stored)
                .jsonPath("$.deadLettered").isEqualTo(deadLettered);
    }

    private List<DeadLetterView> rows(UUID run) {
        List<DeadLetterView> rows = new ArrayList<>();
        for (int shard = 0; shard < DataLayout.DEAD_LETTER_SHARDS; shard++) {
            for (Row row : session.execute("SELECT * FROM userstream_it.dead_letters_by_run WHERE run_id = ? AND shard = ?", run, shard)) {
                assertThat(shard).isEqualTo(DataLayout.deadLetterShard(row.getString("source_topic"), row.getInt("source_partition"),
                        row.getLong("source_offset")));
                rows.add(new DeadLetterView(row.getUuid("user_id"), row.getString("reason"), row.getString("stage"),
                        row.getString("error"), row.getInstant("failed_at"), row.getString("service"), row.getInt("redrive_count"),
                        new DeadLetterView.Source(row.getString("source_topic"), row.getInt("source_partition"), row.getLong("source_offset"))));
            }
        }
        return rows;
    }

    private double unattributed() {
        Counter counter = meters.find("userstream.store.dead.letters.unattributed").tag("cause", "undecodable").counter();
        return counter == null ? 0 : counter.count();
    }

    /** Only dead-letter listings: as operator. */
    private void problem(String uri, String parameter) {
        operator.get().uri(uri).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail").isNotEmpty()
                .jsonPath("$.parameter").isEqualTo(parameter);
    }
}
