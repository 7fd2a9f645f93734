package io.userstream.store.consume;

import io.userstream.schema.UserProcessed;
import io.userstream.schema.UserStats;
import io.userstream.store.write.DeadLetterWriter;
import io.userstream.store.write.ResolvedDeadLetter;
import io.userstream.store.write.StatsWriter;
import io.userstream.store.write.UserWriter;
import io.userstream.store.write.WriteFailure;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.userstream.schema.topic.TopicLayout;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * One poll's records of users_processed and user_stats: decode, write every row, dead-letter what
 * can never be stored, and only then return, so the container commits the offsets after the rows
 * are in Cassandra. Any exception (Cassandra or the broker unavailable) leaves the offsets
 * uncommitted and the error handler retries the same batch with back-off; rewriting rows that
 * were already written is harmless because every write is an upsert by key.
 *
 * <p>A stored user whose record was re-driven from the dead-letter topic ({@code redrive.origin.*}
 * headers) deletes its run's dead-letter row for that origin, after its own rows are written and
 * before the batch is committed, so it counts as stored and no longer as dead-lettered; a crash in
 * between re-does both (at-least-once, and the delete is idempotent). A re-driven user who was erased is
 * not stored ({@link UserWriter} skips erased users and counts them as erased for their run) but deletes
 * its dead-letter row all the same: it is accounted for as erased, and must not count twice.
 */
@Component
class ProcessedRecordsListener {

    static final String LISTENER_ID = "user-store";

    private static final Logger log = LoggerFactory.getLogger(ProcessedRecordsListener.class);

    private final RecordDecoder decoder;
    private final UserWriter userWriter;
    private final StatsWriter statsWriter;
    private final DeadLetterWriter deadLetterRows;
    private final DeadLetterPublisher deadLetters;
    private final List<String> topics;

    ProcessedRecordsListener(RecordDecoder decoder, UserWriter userWriter, StatsWriter statsWriter, DeadLetterWriter deadLetterRows,
                             DeadLetterPublisher deadLetters, TopicLayout topics) {
        this.decoder = decoder;
        this.userWriter = userWriter;
        this.statsWriter = statsWriter;
        this.deadLetterRows = deadLetterRows;
        this.deadLetters = deadLetters;
        this.topics = List.of(topics.usersProcessed(), topics.userStats());
    }

    /** What {@link #onBatch} subscribes to (userstream.topics): users_processed and user_stats. */
    public List<String> topics() {
        return topics;
    }

    @KafkaListener(id = LISTENER_ID, idIsGroup = false, batch = "true",
            topics = "#{__listener.topics()}")
    void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        Map<Object, ConsumerRecord<String, byte[]>> sources = new IdentityHashMap<>();
        List<UserProcessed> users = new ArrayList<>();
        List<UserStats> stats = new ArrayList<>();
        List<DeadLetter> unstorable = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Decoded decoded = decoder.decode(record);
            if (decoded instanceof Decoded.User user) {
                users.add(user.user());
                sources.put(user.user(), record);
            } else if (decoded instanceof Decoded.Stats window) {
                stats.add(window.stats());
                sources.put(window.stats(), record);
            } else if (decoded instanceof Decoded.Unreadable unreadable) {
                unstorable.add(new DeadLetter(record, unreadable.reason(), unreadable.error(), "deserialize"));
            }
        }
        Set<UserProcessed> refused = Collections.newSetFromMap(new IdentityHashMap<>());
        for (WriteFailure<UserProcessed> failure : userWriter.write(users)) {
            refused.add(failure.item());
            unstorable.add(unwritable(sources.get(failure.item()), failure));
        }
        resolveRedrivenDeadLetters(users, refused, sources);
        for (WriteFailure<UserStats> failure : statsWriter.write(stats)) {
            unstorable.add(unwritable(sources.get(failure.item()), failure));
        }
        deadLetters.publish(unstorable);
    }

    /**
     * Deletes the dead-letter rows of the stored (or erased) users that were re-driven (a refused one is dead-lettered
     * again instead).
     */
    private void resolveRedrivenDeadLetters(List<UserProcessed> users, Set<UserProcessed> refused,
                                            Map<Object, ConsumerRecord<String, byte[]>> sources) {
        List<ResolvedDeadLetter> resolved = new ArrayList<>();
        for (UserProcessed user : users) {
            ConsumerRecord<String, byte[]> record = sources.get(user);
            DeadLetterDecoder.SourceRecord origin = DeadLetterDecoder.SourceRecord.redriveOrigin(record);
            if (origin == null || refused.contains(user)) {
                continue;
            }
            // The record's timestamp is the time of the re-drive; without one, the processor's processedAt is close.
            Instant at = record.timestamp() >= 0 ? Instant.ofEpochMilli(record.timestamp()) : user.getProcessedAt();
            resolved.add(new ResolvedDeadLetter(user.getIngestion().getRunId(), origin.topic(), origin.partition(), origin.offset(), at));
        }
        for (WriteFailure<ResolvedDeadLetter> failure : deadLetterRows.delete(resolved)) {
            // Not expected (the values are the ones its dead letter was written with); the user is stored, the row stays.
            log.error("Cassandra refuses to delete the dead-letter row of run {} for {}-{}@{} although its re-driven user is stored: {}",
                    failure.item().runId(), failure.item().originTopic(), failure.item().originPartition(),
                    failure.item().originOffset(), String.valueOf(failure.error()));
        }
    }

    private static DeadLetter unwritable(ConsumerRecord<String, byte[]> record, WriteFailure<?> failure) {
        return new DeadLetter(record, "unwritable", String.valueOf(failure.error()), "store");
    }
}
