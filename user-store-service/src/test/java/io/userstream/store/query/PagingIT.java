package io.userstream.store.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.LocalStack;
import io.userstream.schema.UserProcessed;
import io.userstream.store.ApiClients;
import io.userstream.store.KafkaTestClients;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

/** 1,000 users of one country, spread over eight registration years, stored through Kafka and read back page by page. */
@StoreIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagingIT {

    private static final String COUNTRY = "ZP";
    private static final int USERS = 1_000;

    @Autowired
    WebTestClient web;

    /** As reader. */
    WebTestClient http;

    private final Set<UUID> all = new HashSet<>();
    private final Set<UUID> female = new HashSet<>();

    @BeforeAll
    void storeThousandUsers(LocalStack stack) throws Exception {
        UUID runId = UUID.randomUUID();
        Random random = new Random(42);
        Instant first = Instant.parse("2015-01-01T00:00:00Z");
        long span = Duration.between(first, Instant.parse("2023-01-01T00:00:00Z")).toMillis();
        try (KafkaProducer<String, Object> producer = KafkaTestClients.avroProducer(stack)) {
            for (int i = 0; i < USERS; i++) {
                UUID id = UUID.randomUUID();
                String gender = i % 3 == 0 ? "female" : "male";
                // Some users share a registration instant: ties must not lose or repeat rows across pages.
                Instant registered = first.plusMillis(i % 10 == 0 ? 0 : (long) (random.nextDouble() * span));
                UserProcessed user = TestUsers.user(id, runId, COUNTRY, gender, registered, "paging" + i);
                producer.send(new ProducerRecord<>("users_processed", id.toString(), user));
                all.add(id);
                if (gender.equals("female")) {
                    female.add(id);
                }
            }
            producer.flush();
        }
        KafkaTestClients.awaitConsumed(stack, Duration.ofSeconds(120), "users_processed");
    }

    @BeforeEach
    void logIn(LocalStack stack) {
        http = ApiClients.as(web, stack.apiLogins().reader());
    }

    @Test
    void pagingWalksEveryUserOfTheCountryExactlyOnceNewestFirst() {
        List<UserView> walked = walk(null, 37);
        assertThat(walked).hasSize(USERS);
        assertThat(walked.stream().map(UserView::id).distinct().count()).isEqualTo(USERS);
        assertThat(walked.stream().map(UserView::id).toList()).containsExactlyInAnyOrderElementsOf(all);
        for (int i = 1; i < walked.size(); i++) {
            assertThat(walked.get(i).registeredAt()).isBeforeOrEqualTo(walked.get(i - 1).registeredAt());
        }
    }

    @Test
    void genderFilterWalksEveryFemaleUserExactlyOnce() {
        List<UserView> walked = walk("female", 50);
        assertThat(walked.stream().map(UserView::id).toList()).containsExactlyInAnyOrderElementsOf(female);
        assertThat(walked).allSatisfy(user -> assertThat(user.gender()).isEqualTo("female"));
        for (int i = 1; i < walked.size(); i++) {
            assertThat(walked.get(i).registeredAt()).isBeforeOrEqualTo(walked.get(i - 1).registeredAt());
        }
    }

    @Test
    void lastPageHasNoNextToken() {
        UsersPage page = page(null, 500, null);
        UsersPage second = page(null, 500, page.nextPageToken());
        assertThat(page.items()).hasSize(500);
        assertThat(second.items()).hasSize(500);
        if (second.nextPageToken() != null) {
            // Cassandra may not know yet that the partition it stopped in was the last one.
            assertThat(page(null, 500, second.nextPageToken()).items()).isEmpty();
        }
    }

    private List<UserView> walk(String gender, int limit) {
        List<UserView> walked = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            UsersPage page = page(gender, limit, token);
            assertThat(page.items().size()).isLessThanOrEqualTo(limit);
            walked.addAll(page.items());
            token = page.nextPageToken();
            assertThat(++pages).as("pages walked").isLessThan(USERS);
        } while (token != null);
        return walked;
    }

    private UsersPage page(String gender, int limit, String token) {
        // a page of 500 users is ~600 KB, over the client's default 256 KB buffer
        WebTestClient client = http.mutate().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024)).build();
        return client.get().uri(b -> {
                    b.path("/api/v1/users").queryParam("country", COUNTRY).queryParam("limit", limit);
                    if (gender != null) {
                        b.queryParam("gender", gender);
                    }
                    if (token != null) {
                        b.queryParam("pageToken", token);
                    }
                    return b.build();
                })
                .exchange()
                .expectStatus().isOk()
                .expectBody(UsersPage.class).returnResult().getResponseBody();
    }
}
