package io.userstream.console.topics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Messages per second of each topic over the last {@code history}, one point per sample. */
final class RateHistory {

    private final Duration history;
    private final Map<String, Deque<Point>> byTopic = new LinkedHashMap<>();

    RateHistory(Duration history) {
        this.history = history;
    }

    synchronized void add(Instant at, String topic, double messagesPerSecond) {
        Deque<Point> points = byTopic.computeIfAbsent(topic, t -> new ArrayDeque<>());
        points.addLast(new Point(at, messagesPerSecond));
        Instant oldest = at.minus(history);
        while (!points.isEmpty() && points.peekFirst().at().isBefore(oldest)) {
            points.removeFirst();
        }
    }

    synchronized List<Series> series() {
        List<Series> series = new ArrayList<>();
        byTopic.forEach((topic, points) -> series.add(new Series(topic, List.copyOf(points))));
        return series;
    }

    public record Point(Instant at, double messagesPerSecond) {
    }

    public record Series(String topic, List<Point> points) {
    }
}
