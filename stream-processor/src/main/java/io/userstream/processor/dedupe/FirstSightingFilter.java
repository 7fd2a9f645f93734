package io.userstream.processor.dedupe;

import java.time.Duration;
import java.util.Set;

import io.userstream.schema.UserProcessed;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Forwards a user only if its id (the record key) was not seen within the retention window before or
 * after this record's timestamp. Sightings live in a persistent, changelogged window store whose
 * retention is the window, so memory and disk stay bounded and a restart remembers them
 * (the pattern of Confluent's EventDeduplication example).
 */
public class FirstSightingFilter implements FixedKeyProcessor<String, UserProcessed, UserProcessed> {

    private final String storeName;
    private final long windowMs;
    private FixedKeyProcessorContext<String, UserProcessed> context;
    private WindowStore<String, Long> sightings;

    private FirstSightingFilter(String storeName, Duration window) {
        this.storeName = storeName;
        this.windowMs = window.toMillis();
    }

    /** The processor with its store, for {@code KStream#processValues}. */
    public static FixedKeyProcessorSupplier<String, UserProcessed, UserProcessed> supplier(String storeName, Duration window) {
        StoreBuilder<WindowStore<String, Long>> store = Stores.windowStoreBuilder(
                Stores.persistentWindowStore(storeName, window, window, false), Serdes.String(), Serdes.Long());
        return new FixedKeyProcessorSupplier<>() {
            @Override
            public FixedKeyProcessor<String, UserProcessed, UserProcessed> get() {
                return new FirstSightingFilter(storeName, window);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(store);
            }
        };
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UserProcessed> context) {
        this.context = context;
        this.sightings = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<String, UserProcessed> record) {
        long at = record.timestamp();
        try (WindowStoreIterator<Long> seen = sightings.fetch(record.key(), at - windowMs, at + windowMs)) {
            if (seen.hasNext()) {
                return; // already emitted within the window
            }
        }
        sightings.put(record.key(), at, at);
        context.forward(record);
    }
}
