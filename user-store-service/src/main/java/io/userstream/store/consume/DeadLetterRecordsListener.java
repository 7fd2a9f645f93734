package io.userstream.store.consume;

import io.micrometer.core.instrument.MeterRegistry;
import io.userstream.store.write.DeadLetterWriter;
import io.userstream.store.write.RunDeadLetter;
import io.userstream.store.write.WriteFailure;
import java.util.ArrayList;
import java.util.List;
import io.userstream.schema.topic.TopicLayout;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Reads the DLQ topic back, in its own consumer group, and records each dead letter under the
 * ingestion run of its original value, so "stored + dead-lettered == published" can be checked
 * per run. Like {@link ProcessedRecordsListener}, it returns only once every row is written, so
 * offsets are committed after the rows are in Cassandra, and an exception (Cassandra, registry)
 * has the same error handler retry the batch until it is stored.
 *
 * <p>Nothing read here is ever sent anywhere: a dead letter that names no run (its value
 * unreadable, absent or without a run id) is counted in
 * {@code userstream.store.dead.letters.unattributed} and logged, and stays on the DLQ topic.
 */
@Component
class DeadLetterRecordsListener {

    static final String LISTENER_ID = "user-store-dead-letters";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRecordsListener.class);

    private final DeadLetterDecoder decoder;
    private final DeadLetterWriter writer;
    private final MeterRegistry meters;
    private final String topic;

    DeadLetterRecordsListener(DeadLetterDecoder decoder, DeadLetterWriter writer, MeterRegistry meters, TopicLayout topics) {
        this.decoder = decoder;
        this.writer = writer;
        this.meters = meters;
        this.topic = topics.deadLetter();
    }

    /** What {@link #onBatch} reads back (userstream.topics): the dead-letter topic. */
    public String topic() {
        return topic;
    }

    private record Unattributed(ConsumerRecord<String, byte[]> record, DeadLetterAttribution.Unattributable why) {
    }

    @KafkaListener(id = LISTENER_ID, idIsGroup = false, groupId = "${userstream.store.kafka.dead-letter-group-id}",
            batch = "true", topics = "#{__listener.topic()}")
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        List<RunDeadLetter> attributed = new ArrayList<>();
        List<Unattributed> unattributed = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            DeadLetterAttribution attribution = decoder.attribute(record);
            if (attribution instanceof DeadLetterAttribution.Attributed run) {
                attributed.add(run.deadLetter());
            } else if (attribution instanceof DeadLetterAttribution.Unattributable why) {
                unattributed.add(new Unattributed(record, why));
            }
        }
        List<WriteFailure<RunDeadLetter>> refused = writer.write(attributed);
        // Only now, the batch being stored: a retried batch would otherwise count and log these again.
        for (Unattributed skipped : unattributed) {
            meters.counter("userstream.store.dead.letters.unattributed", "cause", skipped.why().cause()).increment();
            log.warn("Dead letter {}-{}@{} (source {}, reason {}) names no ingestion run and is not counted for one; "
                            + "it stays on {}. {}: {}", skipped.record().topic(), skipped.record().partition(), skipped.record().offset(),
                    DeadLetterDecoder.SourceRecord.of(skipped.record()), DeadLetterDecoder.header(skipped.record(), DeadLetterDecoder.REASON),
                    skipped.record().topic(), skipped.why().cause(), skipped.why().detail());
        }
        for (WriteFailure<RunDeadLetter> failure : refused) {
            // A dead letter is never dead-lettered again (no loop): it stays on the DLQ topic.
            meters.counter("userstream.store.dead.letters.unattributed", "cause", "unwritable").increment();
            log.error("Cassandra refuses dead letter of run {} from {}-{}@{}; it is not counted and stays on the DLQ topic: {}",
                    failure.item().runId(), failure.item().sourceTopic(), failure.item().sourcePartition(),
                    failure.item().sourceOffset(), String.valueOf(failure.error()));
        }
    }
}
