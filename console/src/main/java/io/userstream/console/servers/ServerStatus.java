package io.userstream.console.servers;

/**
 * How one server answered the last probe.
 *
 * @param name      e.g. {@code kafka}, {@code user-store-service}
 * @param url       where the console reached it (a link for the page where it has a UI)
 * @param status    what the page shows
 * @param detail    why, in words, when not {@link Status#UP}
 * @param millis    how long the answer took (-1 without one)
 */
public record ServerStatus(String name, String url, Status status, String detail, long millis) {

    public enum Status {
        /** Answered in time and reports itself healthy. */
        UP,
        /** Healthy, but slower than {@code userstream.console.slow-after}. */
        SLOW,
        /** Answered, but reports itself (or a part of itself) down. */
        DOWN,
        /** Did not answer within {@code userstream.console.request-timeout}. */
        UNREACHABLE
    }
}
