package io.userstream.processor.stats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserProcessed;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Counts new users per country and per gender inside this task, per stats window, and forwards the
 * partial counts every flush interval (key {@link StatsKey#text()}, value the partial count, timestamp
 * the latest user's). The windowed sum downstream then gets a few records per key and second instead of
 * two repartition records per user, which was a third of the processor's and the broker's work.
 * <p>
 * Partial counts live in a changelogged store, so counts of committed input survive a crash; the store's
 * cache turns the per-user updates into one changelog record per key and commit. With exactly_once_v2 the
 * store, the forwarded partials and the input offsets commit together: every user emitted to
 * users_processed is forwarded in exactly one partial, also across crashes and rebalances.
 * Partials are forwarded in timestamp order, each with its latest user's timestamp, so the downstream
 * window assignment and stream time are what they would be if every user had been sent on its own.
 * <p>
 * Only users move time on: this processor never sends time signals of its own (an idle task used to
 * send wall-clock stamped zeros, which made other tasks' backlogs late and dropped them).
 */
public class PartialCounter implements Processor<String, UserProcessed, String, Long> {

    private final String storeName;
    private final long windowMs;
    private final Duration flushInterval;
    private ProcessorContext<String, Long> context;
    private TimestampedKeyValueStore<String, Long> partials;

    private PartialCounter(String storeName, Duration window, Duration flushInterval) {
        this.storeName = storeName;
        this.windowMs = window.toMillis();
        this.flushInterval = flushInterval;
    }

    /** The processor with its store, for {@code KStream#process}. */
    public static ProcessorSupplier<String, UserProcessed, String, Long> supplier(String storeName, Duration window,
                                                                                  Duration flushInterval) {
        StoreBuilder<TimestampedKeyValueStore<String, Long>> store = Stores.timestampedKeyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(storeName), Serdes.String(), Serdes.Long()).withCachingEnabled();
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, UserProcessed, String, Long> get() {
                return new PartialCounter(storeName, window, flushInterval);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store);
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, Long> context) {
        this.context = context;
        this.partials = context.getStateStore(storeName);
        context.schedule(flushInterval, PunctuationType.WALL_CLOCK_TIME, now -> forwardPartials());
    }

    @Override
    public void process(Record<String, UserProcessed> record) {
        long windowStart = record.timestamp() - Math.floorMod(record.timestamp(), windowMs);
        add(new StatsKey(StatsDimension.COUNTRY, record.value().getCountry()), windowStart, record.timestamp());
        add(new StatsKey(StatsDimension.GENDER, record.value().getGender()), windowStart, record.timestamp());
    }

    private void add(StatsKey key, long windowStart, long timestamp) {
        // The window start leads so that a '|' in the dimension's value cannot confuse the parse.
        String storeKey = windowStart + "|" + key.text();
        ValueAndTimestamp<Long> partial = partials.get(storeKey);
        partials.put(storeKey, partial == null
                ? ValueAndTimestamp.make(1L, timestamp)
                : ValueAndTimestamp.make(partial.value() + 1, Math.max(partial.timestamp(), timestamp)));
    }

    private void forwardPartials() {
        List<KeyValue<String, ValueAndTimestamp<Long>>> due = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<Long>> all = partials.all()) {
            all.forEachRemaining(due::add);
        }
        due.sort(Comparator.comparingLong(entry -> entry.value.timestamp()));
        for (KeyValue<String, ValueAndTimestamp<Long>> entry : due) {
            partials.delete(entry.key);
            String statsKey = entry.key.substring(entry.key.indexOf('|') + 1);
            context.forward(new Record<>(statsKey, entry.value.value(), entry.value.timestamp()));
        }
    }
}
