package io.userstream.store.api;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the REST API ({@code userstream.store.api.*}).
 *
 * @param defaultLimit      users (or dead letters) per page when {@code limit} is absent
 * @param maxLimit          largest accepted {@code limit}
 * @param defaultStatsRange stats window range when {@code from} is absent ({@code to} defaults to now)
 * @param maxStatsRange     largest accepted {@code to - from} (one partition read per day)
 */
@Validated
@ConfigurationProperties("userstream.store.api")
public record ApiProperties(
        @Min(1) int defaultLimit,
        @Min(1) int maxLimit,
        @NotNull Duration defaultStatsRange,
        @NotNull Duration maxStatsRange) {
}
