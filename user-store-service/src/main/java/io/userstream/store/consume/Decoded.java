package io.userstream.store.consume;

import io.userstream.schema.UserProcessed;
import io.userstream.schema.UserStats;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** What one consumed record turned out to be. */
sealed interface Decoded {

    record User(UserProcessed user) implements Decoded {
    }

    record Stats(UserStats stats) implements Decoded {
    }

    /** A record no retry will make readable: dead-letter it. */
    record Unreadable(ConsumerRecord<String, byte[]> record, String reason, String error) implements Decoded {
    }
}
