package io.userstream.ingest.fetch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Keeps the users requested in any sliding window at or below a ceiling (randomuser.me bans an IP
 * above 20,000 users per 5 minutes). {@link #reserve(int)} books a request and says how long to wait
 * before sending it; bookings are shared by all runs of this instance.
 */
public final class RequestPacer {

    private record Booking(Instant at, int users) {
    }

    private final int usersPerWindow;
    private final Duration window;
    private final Clock clock;
    private final Deque<Booking> bookings = new ArrayDeque<>();
    private int booked;

    public RequestPacer(int usersPerWindow, Duration window, Clock clock) {
        this.usersPerWindow = usersPerWindow;
        this.window = window;
        this.clock = clock;
    }

    /** Books {@code users} at the earliest instant that keeps the window under the ceiling; returns the wait until then. */
    public synchronized Duration reserve(int users) {
        Instant now = clock.instant();
        int wanted = Math.min(users, usersPerWindow);
        while (!bookings.isEmpty() && !bookings.peekFirst().at().plus(window).isAfter(now)) {
            booked -= bookings.removeFirst().users();
        }
        Instant at = now;
        int inWindow = booked;
        // Walk the bookings from the oldest until enough of them have left the window.
        for (Booking booking : bookings) {
            if (inWindow + wanted <= usersPerWindow) {
                break;
            }
            inWindow -= booking.users();
            at = booking.at().plus(window);
        }
        bookings.addLast(new Booking(at, wanted));
        booked += wanted;
        return Duration.between(now, at).isNegative() ? Duration.ZERO : Duration.between(now, at);
    }
}
