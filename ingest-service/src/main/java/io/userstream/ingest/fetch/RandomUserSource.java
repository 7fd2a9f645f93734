package io.userstream.ingest.fetch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Pages of users from the randomuser.me API: {@code ?results=batchSize&seed=…&page=n[&nat=…]}, so a
 * page is the same users every time it is asked for. Retries 5xx answers, I/O errors, timeouts and
 * malformed bodies with exponential backoff and jitter; on 429 waits what {@code Retry-After} says
 * (or the configured default) and counts it; paces requests under the per-IP ceiling.
 */
public final class RandomUserSource implements UserSource {

    private final WebClient client;
    private final RandomUserProperties properties;
    private final RandomUserMapper mapper;
    private final ObjectMapper json;
    private final RequestPacer pacer;
    private final Clock clock;
    private final Counter rateLimited;
    private final Counter retries;

    public RandomUserSource(WebClient client, RandomUserProperties properties, RandomUserMapper mapper, ObjectMapper json,
                            RequestPacer pacer, Clock clock, MeterRegistry meters) {
        this.client = client;
        this.properties = properties;
        this.mapper = mapper;
        this.json = json;
        this.pacer = pacer;
        this.clock = clock;
        this.rateLimited = Counter.builder("ingest.randomuser.rate.limited")
                .description("HTTP 429 answers from randomuser.me").register(meters);
        this.retries = Counter.builder("ingest.randomuser.retries")
                .description("Page requests retried after a 5xx, I/O error, timeout or malformed body").register(meters);
    }

    @Override
    public SourceKind kind() {
        return SourceKind.RANDOMUSER;
    }

    @Override
    public Mono<FetchedPage> fetch(PageSpec page) {
        // Every attempt, retries included, is booked with the pacer: the API counts them all.
        Mono<FetchedPage> attempt = Mono.defer(() -> Mono.delay(pacer.reserve(page.batchSize()))
                .then(Mono.defer(() -> request(page))));
        return Mono.defer(() -> attempt.retryWhen(retrySpec(new int[2])))
                .onErrorMap(e -> !(e instanceof FetchException),
                        e -> new FetchException("randomuser.me page " + page.number() + " failed: " + describe(e), e));
    }

    private Mono<FetchedPage> request(PageSpec page) {
        return client.get()
                .uri(uri -> {
                    uri.queryParam("results", page.batchSize())
                            .queryParam("seed", page.seed())
                            .queryParam("page", page.number());
                    if (!page.nationalities().isEmpty()) {
                        uri.queryParam("nat", String.join(",", page.nationalities()).toLowerCase(Locale.ROOT));
                    }
                    return uri.build();
                })
                .retrieve()
                .onStatus(status -> status.value() == HttpStatus.TOO_MANY_REQUESTS.value(),
                        response -> Mono.just(new RateLimitedException(retryAfter(response.headers().asHttpHeaders()))))
                .bodyToMono(byte[].class)
                .timeout(properties.readTimeout())
                .map(body -> {
                    Instant fetchedAt = clock.instant();
                    JsonNode tree;
                    try {
                        tree = json.readTree(body);
                    } catch (JacksonException e) {
                        throw new MalformedResponseException("malformed JSON: " + e.getOriginalMessage(), e);
                    }
                    return new FetchedPage(page, mapper.mapPage(tree, page, fetchedAt));
                });
    }

    /** 429s wait as told and have their own budget; transient failures back off exponentially with jitter. */
    private Retry retrySpec(int[] attempts) {
        final int limited = 0;
        final int transientFailures = 1;
        return Retry.from(signals -> signals.concatMap(signal -> {
            Throwable failure = signal.failure();
            if (failure instanceof RateLimitedException tooMany) {
                rateLimited.increment();
                if (attempts[limited]++ >= properties.maxRateLimitedRetries()) {
                    return Mono.error(failure);
                }
                return Mono.delay(tooMany.retryAfter() != null ? tooMany.retryAfter() : properties.defaultRetryAfter());
            }
            if (!isTransient(failure) || attempts[transientFailures] >= properties.maxRetries()) {
                return Mono.error(failure);
            }
            retries.increment();
            return Mono.delay(backoff(attempts[transientFailures]++));
        }));
    }

    private Duration backoff(long attempt) {
        Duration base = properties.minBackoff().multipliedBy(1L << Math.min(attempt, 30));
        if (base.compareTo(properties.maxBackoff()) > 0 || base.isNegative()) {
            base = properties.maxBackoff();
        }
        double spread = properties.jitter() * base.toNanos();
        long jittered = (long) (base.toNanos() - spread + ThreadLocalRandom.current().nextDouble() * 2 * spread);
        return Duration.ofNanos(Math.max(0, Math.min(jittered, properties.maxBackoff().toNanos())));
    }

    static boolean isTransient(Throwable failure) {
        if (failure instanceof WebClientResponseException response) {
            return response.getStatusCode().is5xxServerError();
        }
        return failure instanceof WebClientRequestException
                || failure instanceof TimeoutException
                || failure instanceof IOException
                || failure instanceof MalformedResponseException;
    }

    /** Retry-After is delay-seconds or an HTTP date; anything else means "use the default". */
    private Duration retryAfter(HttpHeaders headers) {
        String value = headers.getFirst(HttpHeaders.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(clock.instant(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static String describe(Throwable e) {
        if (e instanceof RateLimitedException) {
            return "still rate limited (HTTP 429) after the configured retries";
        }
        if (e instanceof TimeoutException) {
            return "timed out";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** HTTP 429 from randomuser.me; {@code retryAfter} null when the header was absent or unusable. */
    static final class RateLimitedException extends RuntimeException {
        private final transient Duration retryAfter;

        RateLimitedException(Duration retryAfter) {
            super("HTTP 429 Too Many Requests" + (retryAfter == null ? "" : ", Retry-After " + retryAfter.toSeconds() + " s"));
            this.retryAfter = retryAfter;
        }

        Duration retryAfter() {
            return retryAfter;
        }
    }
}
