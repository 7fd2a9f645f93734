package io.userstream.ingest.fetch;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How the randomuser.me client talks to the API.
 *
 * @param baseUrl            versioned API base, e.g. https://randomuser.me/api/1.4/
 * @param connectTimeout     TCP connect timeout
 * @param readTimeout        time allowed for the whole response after the request is sent
 * @param maxResponseSize    largest response body accepted (5,000 users are about 5 MB)
 * @param maxRetries         retries of a page on 5xx, I/O errors, timeouts and malformed JSON
 * @param minBackoff         first retry delay; doubles each retry
 * @param maxBackoff         cap of the retry delay
 * @param jitter             fraction of the delay randomized, 0..1
 * @param defaultRetryAfter  wait after a 429 without a usable Retry-After header
 * @param maxRateLimitedRetries how many 429 answers one page may get before the run fails
 * @param pacing             client-side ceiling on users requested per time window
 */
@Validated
@ConfigurationProperties("ingest.randomuser")
public record RandomUserProperties(
        @NotNull URI baseUrl,
        @NotNull Duration connectTimeout,
        @NotNull Duration readTimeout,
        @NotNull DataSize maxResponseSize,
        @Min(0) int maxRetries,
        @NotNull Duration minBackoff,
        @NotNull Duration maxBackoff,
        @DecimalMin("0.0") @DecimalMax("1.0") double jitter,
        @NotNull Duration defaultRetryAfter,
        @Min(0) int maxRateLimitedRetries,
        @Valid @NotNull Pacing pacing) {

    /** At most {@code usersPerWindow} users requested in any sliding {@code window} (randomuser.me: 20,000 per 5 minutes per IP). */
    public record Pacing(@Min(1) int usersPerWindow, @NotNull Duration window) {
    }
}
