package io.userstream.ingest;

import java.time.Duration;

/** Durations as they are written in application.yml ("3m", "90s", "1500ms"). */
public final class Durations {

    private Durations() {
    }

    public static String format(Duration duration) {
        if (duration.toMillis() % 60_000 == 0) {
            return duration.toMinutes() + "m";
        }
        if (duration.toMillis() % 1_000 == 0) {
            return duration.toSeconds() + "s";
        }
        return duration.toMillis() + "ms";
    }
}
