package io.userstream.store.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.LocalStack;
import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserProcessed;
import io.userstream.schema.UserStats;
import io.userstream.store.ApiClients;
import io.userstream.store.StoreIntegrationTest;
import io.userstream.store.TestUsers;
import io.userstream.store.write.StatsWriter;
import io.userstream.store.write.UserWriter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Every endpoint: the happy path and each 4xx, against rows written by the service's own writers, called
 * with the login each needs (who may call what: AccessIT).
 */
@StoreIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiIT {

    private static final String COUNTRY = "ZA";
    private static final UUID RUN = UUID.randomUUID();
    private static final UUID ADA = UUID.randomUUID();
    private static final UUID BOB = UUID.randomUUID();
    private static final UUID CYD = UUID.randomUUID();
    private static final String STATS_COUNTRY = "Apiland-" + UUID.randomUUID();

    @Autowired
    WebTestClient anonymous;
    @Autowired
    UserWriter users;
    @Autowired
    StatsWriter stats;

    /** As reader: users, stats, delivery, health details, metrics. */
    WebTestClient http;
    /** As operator: dead letters. */
    WebTestClient operator;

    @BeforeEach
    void logIn(LocalStack stack) {
        http = ApiClients.as(anonymous, stack.apiLogins().reader());
        operator = ApiClients.as(anonymous, stack.apiLogins().operator());
    }

    @BeforeAll
    void storeUsersAndStats() {
        List<UserProcessed> written = List.of(
                TestUsers.user(ADA, RUN, COUNTRY, "female", Instant.parse("2021-01-01T00:00:00Z"), "api-ada"),
                TestUsers.user(BOB, RUN, COUNTRY, "male", Instant.parse("2020-01-01T00:00:00Z"), "api-bob"),
                TestUsers.user(CYD, RUN, COUNTRY, "female", Instant.parse("2019-01-01T00:00:00Z"), "api-cyd"));
        assertThat(users.write(written)).isEmpty();
        Instant start = Instant.parse("2026-11-20T23:59:00Z");
        assertThat(stats.write(List.of(
                window(start, 4), window(start.plusSeconds(60), 5), window(Instant.parse("2026-10-01T00:00:00Z"), 9)))).isEmpty();
    }

    private static UserStats window(Instant start, long count) {
        return UserStats.newBuilder().setWindowStart(start).setWindowEnd(start.plusSeconds(60))
                .setDimension(StatsDimension.COUNTRY).setKey(STATS_COUNTRY).setCount(count).build();
    }

    // GET /api/v1/users/{id}

    @Test
    void userById() {
        http.get().uri("/api/v1/users/{id}", ADA).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.id").isEqualTo(ADA.toString())
                .jsonPath("$.name.first").isEqualTo("Adaapi-ada")
                .jsonPath("$.location.countryCode").isEqualTo(COUNTRY)
                .jsonPath("$.location.latitude").isEqualTo(52.52)
                .jsonPath("$.registeredAt").isEqualTo("2021-01-01T00:00:00Z")
                .jsonPath("$.ingestion.runId").isEqualTo(RUN.toString())
                .jsonPath("$.ingestion.source").isEqualTo("RANDOMUSER");
    }

    @Test
    void unknownUserIs404() {
        problem("/api/v1/users/" + UUID.randomUUID(), 404, "id");
    }

    @Test
    void malformedUserIdIs400() {
        problem("/api/v1/users/not-a-uuid", 400, "id");
    }

    // GET /api/v1/users/by-email/{email}, /by-username/{username}

    @Test
    void userByEmailIgnoresCase() {
        http.get().uri("/api/v1/users/by-email/{email}", "ADA.api-bob@Example.org").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(BOB.toString());
    }

    @Test
    void unknownEmailIs404() {
        problem("/api/v1/users/by-email/nobody@example.org", 404, "email");
    }

    @Test
    void emailWithoutAtIs400() {
        problem("/api/v1/users/by-email/not-an-address", 400, "email");
    }

    @Test
    void userByUsername() {
        http.get().uri("/api/v1/users/by-username/{username}", "ada_api-cyd").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(CYD.toString());
    }

    @Test
    void unknownUsernameIs404() {
        problem("/api/v1/users/by-username/nobody-" + UUID.randomUUID(), 404, "username");
    }

    @Test
    void blankUsernameIs400() {
        http.get().uri("/api/v1/users/by-username/{username}", " ").exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.parameter").isEqualTo("username");
    }

    // GET /api/v1/users?country=&gender=&limit=&pageToken=

    @Test
    void usersOfCountryNewestFirstWithDefaultLimit() {
        http.get().uri("/api/v1/users?country=za").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(3)
                .jsonPath("$.items[0].id").isEqualTo(ADA.toString())
                .jsonPath("$.items[1].id").isEqualTo(BOB.toString())
                .jsonPath("$.items[2].id").isEqualTo(CYD.toString())
                .jsonPath("$.nextPageToken").isEmpty();
    }

    @Test
    void usersOfCountryAndGenderPageByPage() {
        http.get().uri("/api/v1/users?country=ZA&gender=female&limit=1").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].id").isEqualTo(ADA.toString())
                .jsonPath("$.nextPageToken").isNotEmpty();
        String token = nextToken("/api/v1/users?country=ZA&gender=female&limit=1");
        http.get().uri(b -> b.path("/api/v1/users").queryParam("country", "ZA").queryParam("gender", "female")
                        .queryParam("limit", 1).queryParam("pageToken", token).build()).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].id").isEqualTo(CYD.toString());
    }

    @Test
    void countryOfNoUsersIsAnEmptyPage() {
        http.get().uri("/api/v1/users?country=ZZ").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0).jsonPath("$.nextPageToken").isEmpty();
    }

    @Test
    void missingCountryIs400() {
        problem("/api/v1/users", 400, "country");
    }

    @Test
    void countryNotAnIsoCodeIs400() {
        problem("/api/v1/users?country=Germany", 400, "country");
    }

    @Test
    void limitOutsideOneTo500Is400() {
        problem("/api/v1/users?country=ZA&limit=0", 400, "limit");
        problem("/api/v1/users?country=ZA&limit=501", 400, "limit");
        problem("/api/v1/users?country=ZA&limit=many", 400, "limit");
    }

    @Test
    void limitAtTheBoundsIsAccepted() {
        http.get().uri("/api/v1/users?country=ZA&limit=1").exchange().expectStatus().isOk();
        http.get().uri("/api/v1/users?country=ZA&limit=500").exchange().expectStatus().isOk();
    }

    @Test
    void malformedPageTokensAre400NeverServerErrors() {
        ByteBuffer garbageState = ByteBuffer.allocate(1 + 4 + 4 + 5).put((byte) 1).putInt(2021).putInt(5)
                .put(new byte[] {1, 2, 3, 4, 5});
        ByteBuffer wrongFormat = ByteBuffer.allocate(9).put((byte) 7).putInt(2021).putInt(0);
        for (String token : List.of("!!!", "AAAA", "not-base64~", base64(garbageState.array()), base64(wrongFormat.array()),
                base64(new byte[] {1, 0, 0}))) {
            problem("/api/v1/users?country=ZA&limit=1&pageToken=" + token, 400, "pageToken");
        }
    }

    @Test
    void pageTokenOfAnotherQueryIs400() {
        String femaleToken = nextToken("/api/v1/users?country=ZA&gender=female&limit=1");
        assertThat(femaleToken).isNotNull();
        problem("/api/v1/users?country=ZA&gender=male&limit=1&pageToken=" + femaleToken, 400, "pageToken");
    }

    // GET /api/v1/stats?country=&from=&to=

    @Test
    void statsOfCountryInRange() {
        http.get().uri(b -> b.path("/api/v1/stats").queryParam("country", STATS_COUNTRY)
                        .queryParam("from", "2026-11-20T00:00:00Z").queryParam("to", "2026-11-22T00:00:00Z").build())
                .exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.dimension").isEqualTo("COUNTRY")
                .jsonPath("$.key").isEqualTo(STATS_COUNTRY)
                .jsonPath("$.windows.length()").isEqualTo(2)
                .jsonPath("$.windows[0].windowStart").isEqualTo("2026-11-20T23:59:00Z")
                .jsonPath("$.windows[0].count").isEqualTo(4)
                .jsonPath("$.windows[1].windowStart").isEqualTo("2026-11-21T00:00:00Z")
                .jsonPath("$.windows[1].count").isEqualTo(5);
    }

    @Test
    void statsWithNeitherOrBothDimensionsAre400() {
        problem("/api/v1/stats", 400, "country");
        problem("/api/v1/stats?country=Germany&gender=female", 400, "gender");
    }

    @Test
    void statsWithBadRangeAre400() {
        problem("/api/v1/stats?country=Germany&from=yesterday", 400, "from");
        problem("/api/v1/stats?country=Germany&to=2026-13-01T00:00:00Z", 400, "to");
        problem("/api/v1/stats?country=Germany&from=2026-11-22T00:00:00Z&to=2026-11-21T00:00:00Z", 400, "from");
        problem("/api/v1/stats?country=Germany&from=2026-01-01T00:00:00Z&to=2026-11-21T00:00:00Z", 400, "to");
    }

    @Test
    void statsWithInstantsOutsideTheSupportedYearsAre400NeverServerErrors() {
        // Instant.parse takes years up to nine digits; range arithmetic on them overflowed (500).
        // When both are out of range, to is named: it is checked first.
        outOfRange("to", null, "-1000000000-01-01T00:00:00Z");
        outOfRange("to", null, "+1000000000-12-31T23:59:59.999999999Z");
        outOfRange("to", "+1000000000-12-31T23:59:59Z", "+1000000000-12-31T23:59:59.5Z");
        outOfRange("to", "-1000000000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z");
        outOfRange("from", "+1000000000-12-31T23:59:59Z", "2026-11-21T00:00:00Z");
        outOfRange("from", "-1000000000-01-01T00:00:00Z", "2026-11-21T00:00:00Z");
        // Years a LocalDate holds but Cassandra's date does not (the driver would wrap the day).
        outOfRange("to", "+6000000-01-01T00:00:00Z", "+6000000-01-02T00:00:00Z");
        outOfRange("from", "-6000000-01-01T00:00:00Z", "2026-11-21T00:00:00Z");
        outOfRange("to", "2026-11-20T00:00:00Z", "+10000-01-01T00:00:00Z");
    }

    @Test
    void statsAtTheEdgesOfTheSupportedYearsAreAnswered() {
        http.get().uri("/api/v1/stats?country={country}&to={to}", STATS_COUNTRY, "0001-01-01T00:00:00Z").exchange()
                .expectStatus().isOk();
        http.get().uri("/api/v1/stats?country={country}&from={from}&to={to}", STATS_COUNTRY, "9999-12-31T00:00:00Z",
                        "9999-12-31T23:59:59.999999999Z").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.windows.length()").isEqualTo(0);
    }

    /** Values go in as URI variables, encoded, so a leading '+' reaches the service as '+'. */
    private void outOfRange(String parameter, String from, String to) {
        (from == null
                ? http.get().uri("/api/v1/stats?gender=female&to={to}", to)
                : http.get().uri("/api/v1/stats?gender=female&from={from}&to={to}", from, to))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.parameter").isEqualTo(parameter)
                .jsonPath("$.detail").value(detail -> assertThat(detail).as("from=%s to=%s", from, to)
                        .asString().contains("0001-01-01T00:00:00Z"));
    }

    // GET /api/v1/ingestions/{runId}/delivery

    @Test
    void deliveryCountsStoredUsersOfTheRun() {
        http.get().uri("/api/v1/ingestions/{runId}/delivery", RUN).exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.runId").isEqualTo(RUN.toString())
                .jsonPath("$.stored").isEqualTo(3)
                .jsonPath("$.deadLettered").isEqualTo(0)
                .jsonPath("$.erased").isEqualTo(0);
    }

    @Test
    void deliveryOfUnknownRunIsZero() {
        http.get().uri("/api/v1/ingestions/{runId}/delivery", UUID.randomUUID()).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.stored").isEqualTo(0).jsonPath("$.deadLettered").isEqualTo(0).jsonPath("$.erased").isEqualTo(0);
    }

    @Test
    void deliveryOfMalformedRunIdIs400() {
        problem("/api/v1/ingestions/run-7/delivery", 400, "runId");
    }

    // GET /api/v1/ingestions/{runId}/dead-letters (more in DeadLetterAccountingIT)

    @Test
    void deadLettersOfARunWithoutAnyIsAnEmptyPage() {
        operator.get().uri("/api/v1/ingestions/{runId}/dead-letters", RUN).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.items.length()").isEqualTo(0).jsonPath("$.nextPageToken").isEmpty();
    }

    // Operations: OpenAPI, health, metrics

    @Test
    void openApiDocumentListsTheEndpoints() {
        anonymous.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.paths['/api/v1/users/{id}'].get").exists()
                .jsonPath("$.paths['/api/v1/users/{id}'].delete").exists()
                .jsonPath("$.paths['/api/v1/users']").exists()
                .jsonPath("$.paths['/api/v1/stats']").exists()
                .jsonPath("$.paths['/api/v1/ingestions/{runId}/delivery']").exists()
                .jsonPath("$.paths['/api/v1/ingestions/{runId}/dead-letters']").exists();
    }

    @Test
    void healthIncludesCassandraAndKafka() {
        http.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.cassandra.status").isEqualTo("UP")
                .jsonPath("$.components.kafka.status").isEqualTo("UP");
    }

    @Test
    void metricsIncludeRecordsWrittenWriteLatencyAndConsumerLag() {
        for (String metric : List.of("userstream.store.records.written", "userstream.store.write.latency",
                "kafka.consumer.fetch.manager.records.lag.max")) {
            http.get().uri("/actuator/metrics/" + metric).exchange().expectStatus().isOk();
        }
        http.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("userstream_store_records_written"));
    }

    private String nextToken(String uri) {
        return http.get().uri(uri).exchange().expectStatus().isOk()
                .expectBody(io.userstream.store.query.UsersPage.class).returnResult().getResponseBody().nextPageToken();
    }

    private void problem(String uri, int status, String parameter) {
        http.get().uri(uri).exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.detail").isNotEmpty()
                .jsonPath("$.parameter").isEqualTo(parameter);
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
