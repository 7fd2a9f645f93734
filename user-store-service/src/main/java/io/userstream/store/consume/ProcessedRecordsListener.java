package io.userstream.store.consume;

import io.userstream.schema.UserProcessed;
import io.userstream.schema.UserStats;
import io.userstream.store.write.StatsWriter;
import io.userstream.store.write.UserWriter;
import io.userstream.store.write.WriteFailure;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * One poll's records of users_processed and user_stats: decode, write every row, dead-letter what
 * can never be stored, and only then return, so the container commits the offsets after the rows
 * are in Cassandra. Any exception (Cassandra or the broker unavailable) leaves the offsets
 * uncommitted and the error handler retries the same batch with back-off; rewriting rows that
 * were already written is harmless because every write is an upsert by key.
 */
@Component
class ProcessedRecordsListener {

    static final String LISTENER_ID = "user-store";

    private final RecordDecoder decoder;
    private final UserWriter userWriter;
    private final StatsWriter statsWriter;
    private final DeadLetterPublisher deadLetters;

    ProcessedRecordsListener(RecordDecoder decoder, UserWriter userWriter, StatsWriter statsWriter, DeadLetterPublisher deadLetters) {
        this.decoder = decoder;
        this.userWriter = userWriter;
        this.statsWriter = statsWriter;
        this.deadLetters = deadLetters;
    }

    @KafkaListener(id = LISTENER_ID, idIsGroup = false, batch = "true",
            topics = {"${userstream.store.kafka.users-topic}", "${userstream.store.kafka.stats-topic}"})
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
        for (WriteFailure<UserProcessed> failure : userWriter.write(users)) {
            unstorable.add(unwritable(sources.get(failure.item()), failure));
        }
        for (WriteFailure<UserStats> failure : statsWriter.write(stats)) {
            unstorable.add(unwritable(sources.get(failure.item()), failure));
        }
        deadLetters.publish(unstorable);
    }

    private static DeadLetter unwritable(ConsumerRecord<String, byte[]> record, WriteFailure<?> failure) {
        return new DeadLetter(record, "unwritable", String.valueOf(failure.error()), "store");
    }
}
