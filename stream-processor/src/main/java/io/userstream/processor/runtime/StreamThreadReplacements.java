package io.userstream.processor.runtime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

import org.springframework.core.NestedExceptionUtils;

/**
 * Stream threads replaced after they died from an uncaught exception: how many within the last window,
 * and the latest error. A few replacements are the policy working; many within the window mean the
 * threads keep dying (e.g. a record every thread fails on) while the client still says RUNNING.
 */
public final class StreamThreadReplacements {

    private final Clock clock;
    private final Duration window;
    private final Deque<Instant> replacedAt = new ArrayDeque<>();
    private LastError lastError;

    public StreamThreadReplacements(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    /** A stream thread died from {@code error} and is being replaced. */
    public synchronized void record(Throwable error) {
        Instant now = clock.instant();
        replacedAt.addLast(now);
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(error);
        lastError = new LastError(now, error.getClass().getName(), String.valueOf(error.getMessage()),
                cause.getClass().getName() + ": " + cause.getMessage());
        forgetBefore(now.minus(window));
    }

    /** Replacements within the last {@link #window()}. */
    public synchronized int inWindow() {
        forgetBefore(clock.instant().minus(window));
        return replacedAt.size();
    }

    public synchronized Optional<LastError> lastError() {
        return Optional.ofNullable(lastError);
    }

    public Duration window() {
        return window;
    }

    private void forgetBefore(Instant cutoff) {
        while (!replacedAt.isEmpty() && replacedAt.peekFirst().isBefore(cutoff)) {
            replacedAt.removeFirst();
        }
    }

    /**
     * The exception a stream thread died from most recently; Kafka Streams wraps a processor's exception, so
     * {@code rootCause} ("type: message" of the innermost cause) usually says more.
     */
    public record LastError(Instant at, String type, String message, String rootCause) {
    }
}
