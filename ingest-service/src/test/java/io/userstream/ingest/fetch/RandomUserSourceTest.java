package io.userstream.ingest.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/** The randomuser.me client against a local HTTP stub: paging, retries, 429, timeouts, malformed bodies. */
class RandomUserSourceTest {

    private static final UUID RUN = UUID.randomUUID();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final MockWebServer server = new MockWebServer();
    private final RandomUserStub stub = new RandomUserStub();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private RandomUserSource source;

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(stub);
        server.start();
        // A read timeout with room (production: 30 s), not a tight one: on a loaded machine the stub's first
        // 50-user page took longer than 500 ms three times in a row, and a page that merely answers slowly must pass.
        RandomUserProperties properties = new RandomUserProperties(server.url("/api/1.4/").uri(),
                Duration.ofSeconds(2), READ_TIMEOUT, DataSize.ofMegabytes(16), 3,
                Duration.ofMillis(10), Duration.ofMillis(50), 0.5, Duration.ofMillis(100), 2,
                new RandomUserProperties.Pacing(1_000_000, Duration.ofMinutes(5)));
        source = new RandomUserSource(SourceConfiguration.randomUserClient(WebClient.builder(), properties), properties,
                new RandomUserMapper(false), JsonMapper.builder().build(), new RequestPacer(1_000_000, Duration.ofMinutes(5),
                Clock.systemUTC()), Clock.systemUTC(), meters);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void asksForAPageBySeedPageAndResultsAndMapsIt() throws InterruptedException {
        FetchedPage page = fetch(new PageSpec(RUN, "abc", 3, 50, 50, List.of("DE", "FR")));

        RecordedRequest request = server.takeRequest();
        assertThat(request.getUrl().encodedPath()).isEqualTo("/api/1.4/");
        assertThat(request.getUrl().queryParameter("results")).isEqualTo("50");
        assertThat(request.getUrl().queryParameter("seed")).isEqualTo("abc");
        assertThat(request.getUrl().queryParameter("page")).isEqualTo("3");
        assertThat(request.getUrl().queryParameter("nat")).isEqualTo("de,fr");
        assertThat(page.users()).hasSize(50).allSatisfy(user -> assertThat(user).isInstanceOf(FetchedUser.Usable.class));
        assertThat(page.usable().get(7).user().getLogin().getUuid()).isEqualTo(RandomUserStub.loginUuid("abc", 3, 7));
    }

    @Test
    void theLastPageAsksForAFullBatchAndKeepsOnlyItsUsers() throws InterruptedException {
        FetchedPage page = fetch(new PageSpec(RUN, "abc", 4, 50, 20, List.of()));

        assertThat(server.takeRequest().getUrl().queryParameter("results")).isEqualTo("50");
        assertThat(page.users()).hasSize(20);
        assertThat(page.usable().get(19).user().getLogin().getUuid()).isEqualTo(RandomUserStub.loginUuid("abc", 4, 19));
    }

    @Test
    void unusableUsersAreReportedNotDropped() {
        stub.unusableEvery(10);
        FetchedPage page = fetch(new PageSpec(RUN, "abc", 1, 30, 30, List.of()));

        assertThat(page.users()).hasSize(30);
        assertThat(page.unusable()).extracting(FetchedUser::position).containsExactly(9, 19, 29);
        assertThat(page.unusable()).allSatisfy(u -> assertThat(u.reason()).isEqualTo("missing field location.city"));
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() {
        stub.script(1, RandomUserStub.status(500)).script(1, RandomUserStub.status(503));

        assertThat(fetch(new PageSpec(RUN, "abc", 1, 10, 10, List.of())).users()).hasSize(10);
        assertThat(stub.requests()).isEqualTo(3);
        assertThat(meters.counter("ingest.randomuser.retries").count()).isEqualTo(2);
    }

    @Test
    void malformedJsonIsRetried() {
        stub.script(1, RandomUserStub.malformed());

        assertThat(fetch(new PageSpec(RUN, "abc", 1, 10, 10, List.of())).users()).hasSize(10);
        assertThat(stub.requests()).isEqualTo(2);
    }

    @Test
    void aTimeoutIsRetried() {
        // The fault under test: the first answer is held past the read timeout. What the test checks is the client's own
        // retry (exactly two requests, one counted retry), not a retry of the test.
        stub.script(1, new mockwebserver3.MockResponse.Builder().code(200).body("{\"results\": []}")
                .headersDelay(2 * READ_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).build());

        assertThat(fetch(new PageSpec(RUN, "abc", 1, 10, 10, List.of())).users()).hasSize(10);
        assertThat(stub.requests()).isEqualTo(2);
        assertThat(meters.counter("ingest.randomuser.retries").count()).isEqualTo(1);
    }

    @Test
    void tooManyRequestsWaitsForRetryAfterAndIsCounted() {
        stub.script(1, RandomUserStub.tooManyRequests("1"));
        long began = System.nanoTime();

        assertThat(fetch(new PageSpec(RUN, "abc", 1, 10, 10, List.of())).users()).hasSize(10);
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(meters.counter("ingest.randomuser.rate.limited").count()).isEqualTo(1);
        assertThat(meters.counter("ingest.randomuser.retries").count()).isZero();
    }

    @Test
    void tooManyRequestsWithoutRetryAfterWaitsTheDefault() {
        stub.script(1, RandomUserStub.tooManyRequests(null)).script(1, RandomUserStub.tooManyRequests("soon"));

        assertThat(fetch(new PageSpec(RUN, "abc", 1, 10, 10, List.of())).users()).hasSize(10);
        assertThat(meters.counter("ingest.randomuser.rate.limited").count()).isEqualTo(2);
    }

    @Test
    void persistentServerErrorsFailThePageWithTheCause() {
        for (int i = 0; i < 4; i++) {
            stub.script(2, RandomUserStub.status(500));
        }

        assertThatThrownBy(() -> fetch(new PageSpec(RUN, "abc", 2, 10, 10, List.of())))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("page 2")
                .hasMessageContaining("500");
        assertThat(stub.requests()).isEqualTo(4); // the first try and 3 retries
    }

    @Test
    void persistentRateLimitingFailsThePage() {
        for (int i = 0; i < 3; i++) {
            stub.script(1, RandomUserStub.tooManyRequests("0"));
        }

        assertThatThrownBy(() -> fetch(new PageSpec(RUN, "abc", 1, 10, 10, List.of())))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("rate limited");
        assertThat(meters.counter("ingest.randomuser.rate.limited").count()).isEqualTo(3);
    }

    @Test
    void clientErrorsAreNotRetried() {
        stub.script(1, RandomUserStub.status(400));

        assertThatThrownBy(() -> fetch(new PageSpec(RUN, "abc", 1, 10, 10, List.of())))
                .isInstanceOf(FetchException.class)
                .hasMessageContaining("400");
        assertThat(stub.requests()).isEqualTo(1);
    }

    private FetchedPage fetch(PageSpec page) {
        return source.fetch(page).block(Duration.ofSeconds(30));
    }
}
