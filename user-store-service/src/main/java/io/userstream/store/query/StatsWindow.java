package io.userstream.store.query;

import java.time.Instant;

/** Users counted in one window. */
public record StatsWindow(Instant windowStart, Instant windowEnd, long count) {
}
