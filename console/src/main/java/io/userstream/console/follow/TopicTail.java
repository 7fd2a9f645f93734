package io.userstream.console.follow;

import io.userstream.console.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic from its beginning and then follows it, on a thread of its own, handing
 * each batch to a handler. Partitions added later are picked up; a broker outage only pauses it (the
 * consumer reconnects by itself). The console's views that count things (per-run progress, dead letters,
 * the re-drive audit) are rebuilt this way at every start, so the console keeps no state of its own.
 */
public final class TopicTail<V> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicTail.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration PARTITION_CHECK = Duration.ofSeconds(10);
    /** A topic that does not exist yet (the audit topic before the first re-drive) is looked for more often. */
    private static final Duration MISSING_TOPIC_CHECK = Duration.ofSeconds(1);

    private final KafkaClients clients;
    private final String topic;
    private final Deserializer<V> values;
    private final Consumer<ConsumerRecords<String, V>> handler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile String failure;
    private volatile KafkaConsumer<String, V> consumer;

    public TopicTail(KafkaClients clients, String topic, Deserializer<V> values, Consumer<ConsumerRecords<String, V>> handler) {
        this.clients = clients;
        this.topic = topic;
        this.values = values;
        this.handler = handler;
        this.thread = new Thread(this::run, "console-tail-" + topic);
        this.thread.setDaemon(true);
    }

    public TopicTail<V> start() {
        thread.start();
        return this;
    }

    /** True once every record that existed when the tail started (or since) has been handed over. */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        try (KafkaConsumer<String, V> c = clients.consumer("console-tail-" + topic, values)) {
            consumer = c;
            List<TopicPartition> assigned = List.of();
            long nextPartitionCheck = 0;
            while (running) {
                try {
                    if (System.nanoTime() >= nextPartitionCheck) {
                        List<TopicPartition> partitions = partitionsOf(c);
                        if (!partitions.equals(assigned)) {
                            List<TopicPartition> added = partitions.stream().filter(p -> !c.assignment().contains(p)).toList();
                            c.assign(partitions);
                            c.seekToBeginning(added);
                            assigned = partitions;
                        }
                        nextPartitionCheck = System.nanoTime() + (partitions.isEmpty() ? MISSING_TOPIC_CHECK : PARTITION_CHECK).toNanos();
                    }
                    if (assigned.isEmpty()) {
                        // The topic does not exist yet (nothing was ever ingested): look again at the next check.
                        waitForNextCheck(nextPartitionCheck);
                        continue;
                    }
                    ConsumerRecords<String, V> records = c.poll(POLL);
                    if (!records.isEmpty()) {
                        handler.accept(records);
                    }
                    if (!caughtUp) {
                        caughtUp = isCaughtUp(c, assigned);
                    }
                } catch (WakeupException e) {
                    return;
                } catch (KafkaException e) {
                    // A broker outage (timeouts): the page shows Kafka as unreachable; try again.
                    log.debug("Tail of {} paused: {}", topic, e.toString());
                    nextPartitionCheck = 0;
                    waitForNextCheck(System.nanoTime() + POLL.toNanos());
                }
            }
        } catch (RuntimeException | Error e) {
            // A tail that stopped would leave its view silently empty: say it, here and in the console's health.
            failure = e.toString();
            log.error("Tail of {} stopped: its view no longer changes", topic, e);
        }
    }

    /** Why the tail stopped following its topic, or null while it follows it. */
    public String failure() {
        return failure;
    }

    public String topic() {
        return topic;
    }

    private List<TopicPartition> partitionsOf(KafkaConsumer<String, V> c) {
        List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(3));
        return infos == null ? List.of() : infos.stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                .toList();
    }

    private boolean isCaughtUp(KafkaConsumer<String, V> c, List<TopicPartition> partitions) {
        var ends = c.endOffsets(partitions, Duration.ofSeconds(3));
        return partitions.stream().allMatch(p -> c.position(p) >= ends.get(p));
    }

    private void waitForNextCheck(long deadlineNanos) {
        long millis = Math.max(0, (deadlineNanos - System.nanoTime()) / 1_000_000);
        synchronized (this) {
            try {
                // wait(0) would wait forever: a check already due (partitionsFor can take longer) waits not at all.
                if (running && millis > 0) {
                    wait(Math.min(millis, PARTITION_CHECK.toMillis()));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (this) {
            notifyAll();
        }
        KafkaConsumer<String, V> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
