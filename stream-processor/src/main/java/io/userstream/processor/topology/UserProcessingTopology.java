package io.userstream.processor.topology;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import io.userstream.processor.ProcessorProperties;
import io.userstream.schema.topic.TopicLayout;
import io.userstream.processor.consume.SourcedUserSerde;
import io.userstream.processor.dedupe.FirstSightingFilter;
import io.userstream.processor.deadletter.InvalidUserDeadLetterer;
import io.userstream.processor.normalize.UserNormalizer;
import io.userstream.processor.stats.PartialCounter;
import io.userstream.processor.stats.StatsKey;
import io.userstream.processor.validate.UserValidator;
import io.userstream.processor.validate.Validation;
import io.userstream.schema.UserProcessed;
import io.userstream.schema.UserStats;
import io.userstream.schema.serde.AvroSerde;
import io.userstream.schema.serde.AvroSerdeConfig;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The whole flow, each step named in {@link Topology#describe()}:
 * <pre>
 * users_created ─ source-users-created ─ validate ─┬─ invalid ─ dead-letter-invalid ─ sink-users-dlq ─▶ users_dlq
 *   (undecodable bytes: deserialization handler ─▶ users_dlq)
 *                                                  └─ valid ─ normalize-and-enrich ─ deduplicate-by-user-id
 *                                                       ├─ sink-users-processed ─▶ users_processed
 *                                                       └─ count-per-dimension-in-task (partial counts, flushed
 *                                                          every stats-flush-interval) ─ stats-by-dimension (repartition)
 *                                                          ─ count-per-window (sum; its cache emits the current total
 *                                                          of each updated window on every commit) ─ window-totals
 *                                                          ─ to-user-stats ─ sink-user-stats ─▶ user_stats
 * </pre>
 * user_stats carries running totals: each record holds the current count of its window, keyed
 * {@code DIMENSION|value|windowStart} (so all updates of a window go to one partition, in order), and a later
 * record of a key supersedes the earlier ones. A window takes users for {@code stats-lateness-limit} after
 * its end, by the newest counted user's timestamp; only then are later users of it dropped, and counted in
 * Kafka Streams' {@code dropped-records} task metric. Nothing waits for a window to close, so no signal has to
 * move time on, and a task replaying a backlog behind the others loses nothing.
 */
public class UserProcessingTopology {

    public static final String DEDUPLICATION_STORE = "deduplication-sightings";
    public static final String PARTIAL_COUNTS_STORE = "stats-partial-counts";
    public static final String STATS_STORE = "stats-window-counts";

    private final ProcessorProperties properties;
    private final TopicLayout topics;
    private final Map<String, ?> serdeConfigs;
    private final Clock clock;
    private final String service;

    /**
     * @param topics       the topics read and written
     * @param serdeConfigs {@code schema.registry.url} and other settings of our Avro serde
     * @param clock        processing time: "not in the future", age, processedAt, dlq.failed-at
     * @param service      the dlq.service header value
     */
    public UserProcessingTopology(ProcessorProperties properties, TopicLayout topics, Map<String, ?> serdeConfigs, Clock clock,
                                  String service) {
        this.properties = properties;
        this.topics = topics;
        this.serdeConfigs = serdeConfigs;
        this.clock = clock;
        this.service = service;
    }

    /** The topology on its own builder, e.g. for TopologyTestDriver. */
    public Topology build() {
        StreamsBuilder builder = new StreamsBuilder();
        addTo(builder);
        return builder.build();
    }

    /** Adds every step to {@code builder}; returns the stream of users emitted to users_processed. */
    public KStream<String, UserProcessed> addTo(StreamsBuilder builder) {
        UserValidator validator = new UserValidator(clock);
        UserNormalizer normalizer = new UserNormalizer(clock);

        SourcedUserSerde sourcedSerde = new SourcedUserSerde();
        sourcedSerde.configure(specificReader(), false);
        Serde<UserProcessed> processedSerde = avroSerde();
        Serde<UserStats> statsSerde = avroSerde();

        Map<String, KStream<String, Validation>> checked = builder
                .stream(topics.usersCreated(), Consumed.with(Serdes.String(), sourcedSerde).withName("source-users-created"))
                .mapValues(validator::validate, Named.as("validate"))
                .split(Named.as("validation-"))
                .branch((userId, validation) -> validation instanceof Validation.Invalid, Branched.as("invalid"))
                .defaultBranch(Branched.as("valid"));

        checked.get("validation-invalid")
                .process(() -> new InvalidUserDeadLetterer(clock, service), Named.as("dead-letter-invalid"))
                .to(topics.deadLetter(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("sink-users-dlq"));

        KStream<String, UserProcessed> processed = checked.get("validation-valid")
                .mapValues(validation -> normalizer.normalize(validation.sourced().user()), Named.as("normalize-and-enrich"))
                .processValues(FirstSightingFilter.supplier(DEDUPLICATION_STORE, properties.deduplicationRetention()),
                        Named.as("deduplicate-by-user-id"));

        processed.to(topics.usersProcessed(), Produced.with(Serdes.String(), processedSerde).withName("sink-users-processed"));

        processed
                .process(PartialCounter.supplier(PARTIAL_COUNTS_STORE, properties.statsWindow(), properties.statsFlushInterval()),
                        Named.as("count-per-dimension-in-task"))
                .groupByKey(Grouped.with("stats-by-dimension", Serdes.String(), Serdes.Long()))
                .windowedBy(TimeWindows.ofSizeAndGrace(properties.statsWindow(), properties.statsLatenessLimit()))
                // The cache (on by default, stated because the output depends on it) emits each updated window's
                // total when it flushes (on every commit, or when full) instead of once per partial.
                .reduce(Long::sum, Named.as("count-per-window"), Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(STATS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()).withCachingEnabled())
                .toStream(Named.as("window-totals"))
                .map((window, count) -> {
                    StatsKey key = StatsKey.parse(window.key());
                    UserStats stats = UserStats.newBuilder()
                            .setWindowStart(window.window().startTime())
                            .setWindowEnd(window.window().endTime())
                            .setDimension(key.dimension())
                            .setKey(key.value())
                            .setCount(count)
                            .build();
                    return KeyValue.pair(window.key() + '|' + window.window().startTime(), stats);
                }, Named.as("to-user-stats"))
                .to(topics.userStats(), Produced.with(Serdes.String(), statsSerde).withName("sink-user-stats"));

        return processed;
    }

    private Map<String, Object> specificReader() {
        Map<String, Object> configs = new HashMap<>(serdeConfigs);
        configs.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        return configs;
    }

    private <T> Serde<T> avroSerde() {
        AvroSerde<T> serde = new AvroSerde<>();
        serde.configure(specificReader(), false);
        return serde;
    }
}
