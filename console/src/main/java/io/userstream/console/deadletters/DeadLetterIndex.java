package io.userstream.console.deadletters;

import io.userstream.schema.topic.TopicLayout;
import io.userstream.console.deadletters.DeadLetter.Status;
import io.userstream.console.follow.HeadersOnly;
import io.userstream.console.follow.Origin;
import io.userstream.console.follow.ProcessedUsersFollower;
import io.userstream.console.follow.RedriveHeaders;
import io.userstream.console.follow.Followed;
import io.userstream.console.follow.TopicTail;
import io.userstream.console.kafka.KafkaClients;
import io.userstream.schema.RecordHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Headers;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Every dead letter on users_dlq, read from the beginning and followed (headers only: the reason, stage,
 * error and source are all there), one entry per origin: a record re-driven and refused again replaces its
 * earlier dead letter instead of adding one. Whether a re-drive passed comes from users_processed.
 */
@Component
public class DeadLetterIndex implements InitializingBean, DisposableBean, Followed {

    private static final Duration COUNTS_KEPT = Duration.ofHours(1);
    private static final int SAMPLES = 3;

    private final KafkaClients clients;
    private final TopicLayout topics;
    private final ProcessedUsersFollower processed;
    private final Map<Origin, Entry> byOrigin = new ConcurrentHashMap<>();
    /** Dead-letter records per (reason, stage) and minute of failure: the chart of counts over time. */
    private final Map<Group, TreeMap<Instant, Long>> perMinute = new ConcurrentHashMap<>();
    /** Re-drives sent by this console and not yet answered: origin → the redrive.count sent. */
    private final Map<Origin, Integer> sent = new ConcurrentHashMap<>();
    private TopicTail<Void> tail;

    public DeadLetterIndex(KafkaClients clients, TopicLayout topics, ProcessedUsersFollower processed) {
        this.clients = clients;
        this.topics = topics;
        this.processed = processed;
    }

    @Override
    public void afterPropertiesSet() {
        tail = new TopicTail<>(clients, topics.deadLetter(), new HeadersOnly(), this::handle).start();
    }

    void handle(ConsumerRecords<String, Void> records) {
        for (ConsumerRecord<String, Void> record : records) {
            Headers headers = record.headers();
            Origin source = new Origin(text(headers, "dlq.source.topic", "?"), (int) number(headers, "dlq.source.partition"),
                    number(headers, "dlq.source.offset"));
            Origin origin = Objects.requireNonNullElse(RedriveHeaders.origin(headers), source);
            Instant failedAt = instant(text(headers, "dlq.failed-at", null), record.timestamp());
            Entry entry = new Entry(origin, record.partition(), record.offset(), record.key(),
                    text(headers, RecordHeaders.RUN_ID, null), text(headers, "dlq.reason", "unknown"),
                    text(headers, "dlq.stage", "unknown"), text(headers, "dlq.error", ""), text(headers, "dlq.service", ""),
                    failedAt, RedriveHeaders.count(headers));
            byOrigin.merge(origin, entry, (earlier, later) -> later.redriveCount >= earlier.redriveCount ? later : earlier);
            TreeMap<Instant, Long> counts = perMinute.computeIfAbsent(new Group(entry.reason, entry.stage), g -> new TreeMap<>());
            synchronized (counts) {
                counts.merge(failedAt.truncatedTo(ChronoUnit.MINUTES), 1L, Long::sum);
                counts.headMap(Instant.now().minus(COUNTS_KEPT).truncatedTo(ChronoUnit.MINUTES)).clear();
            }
        }
    }

    /** Dead letters matching the filters (null for any), newest first. */
    public List<DeadLetter> find(String reason, String runId, Status status, int limit) {
        Predicate<DeadLetter> matches = d -> (reason == null || reason.equals(d.reason()))
                && (runId == null || runId.equals(d.runId()))
                && (status == null || status == d.status());
        return byOrigin.values().stream().map(this::view).filter(matches)
                .sorted(Comparator.comparing(DeadLetter::failedAt).reversed().thenComparing(DeadLetter::id))
                .limit(limit)
                .toList();
    }

    public DeadLetter get(Origin origin) {
        Entry entry = byOrigin.get(origin);
        return entry == null ? null : view(entry);
    }

    /** Called by a re-drive once the record is on its way back (committed). */
    public void markSent(Origin origin, int redriveCount) {
        sent.merge(origin, redriveCount, Math::max);
    }

    /** By reason and stage: how many are still dead (not resolved), per minute of the last hour, a few samples. */
    public Summary summary() {
        Map<Group, List<DeadLetter>> byGroup = new HashMap<>();
        byOrigin.values().stream().map(this::view).filter(d -> d.status() != Status.RESOLVED)
                .forEach(d -> byGroup.computeIfAbsent(new Group(d.reason(), d.stage()), g -> new ArrayList<>()).add(d));
        Instant since = Instant.now().minus(COUNTS_KEPT).truncatedTo(ChronoUnit.MINUTES);
        List<Summary.ByReason> groups = new ArrayList<>();
        Set<Group> all = new HashSet<>(byGroup.keySet());
        all.addAll(perMinute.keySet());
        for (Group group : all) {
            List<DeadLetter> open = byGroup.getOrDefault(group, List.of());
            List<Summary.Minute> minutes = new ArrayList<>();
            TreeMap<Instant, Long> counts = perMinute.getOrDefault(group, new TreeMap<>());
            synchronized (counts) {
                counts.tailMap(since).forEach((at, count) -> minutes.add(new Summary.Minute(at, count)));
            }
            List<DeadLetter> samples = open.stream().sorted(Comparator.comparing(DeadLetter::failedAt).reversed()).limit(SAMPLES).toList();
            long total = minutes.stream().mapToLong(Summary.Minute::count).sum();
            groups.add(new Summary.ByReason(group.reason(), group.stage(), open.size(), total, minutes, samples));
        }
        groups.sort(Comparator.comparingLong(Summary.ByReason::count).reversed().thenComparing(Summary.ByReason::reason));
        return new Summary(groups.stream().mapToLong(Summary.ByReason::count).sum(), groups);
    }

    /** Dead letters of one run refused by the processor (validation or undecodable): they were processed too. */
    public long processorDeadLetters(String runId) {
        return byOrigin.values().stream()
                .filter(e -> runId.equals(e.runId) && e.origin.topic().equals(topics.usersCreated()))
                .count();
    }

    public boolean caughtUp() {
        return tail.caughtUp();
    }

    private DeadLetter view(Entry e) {
        boolean redrivable = e.origin.topic().equals(topics.usersCreated());
        Status status;
        if (processed.isResolved(e.origin)) {
            status = Status.RESOLVED;
        } else if (sent.getOrDefault(e.origin, 0) > e.redriveCount) {
            status = Status.REDRIVEN;
        } else if (e.redriveCount > 0) {
            status = Status.FAILED_AGAIN;
        } else {
            status = Status.OPEN;
        }
        return new DeadLetter(e.origin.id(), e.origin, e.dlqPartition, e.dlqOffset, e.key, e.runId, e.reason, e.stage,
                e.error, e.service, e.failedAt, e.redriveCount, status, redrivable);
    }

    private static String text(Headers headers, String name, String fallback) {
        String value = RecordHeaders.text(headers, name);
        return value == null ? fallback : value;
    }

    private static long number(Headers headers, String name) {
        try {
            return Long.parseLong(text(headers, name, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Instant instant(String text, long fallbackMillis) {
        try {
            return text == null ? Instant.ofEpochMilli(fallbackMillis) : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.ofEpochMilli(fallbackMillis);
        }
    }

    @Override
    public TopicTail<?> tail() {
        return tail;
    }

    @Override
    public void destroy() {
        tail.close();
    }

    private record Group(String reason, String stage) {
    }

    private record Entry(Origin origin, int dlqPartition, long dlqOffset, String key, String runId, String reason,
                         String stage, String error, String service, Instant failedAt, int redriveCount) {
    }

    /**
     * @param total dead letters not resolved, over all reasons
     */
    public record Summary(long total, List<ByReason> byReason) {

        /** The counts alone: for a caller who may not see dead letters (no keys, errors or values). */
        public Summary withoutSamples() {
            return new Summary(total, byReason.stream().map(group -> new ByReason(group.reason(), group.stage(), group.count(),
                    group.records(), group.perMinute(), List.of())).toList());
        }

        /**
         * @param count   dead letters of this reason and stage not resolved
         * @param records dead-letter records of this reason and stage in the last hour (re-drives refused again included)
         * @param samples the latest few of them (empty in the live stream of a caller who is not an operator)
         */
        public record ByReason(String reason, String stage, long count, long records, List<Minute> perMinute,
                               List<DeadLetter> samples) {
        }

        public record Minute(Instant at, long count) {
        }
    }
}
