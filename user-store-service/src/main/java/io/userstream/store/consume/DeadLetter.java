package io.userstream.store.consume;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A consumed record that can never be stored, with why.
 *
 * @param record the original record (its bytes go to the DLQ unchanged)
 * @param reason short code for {@code dlq.reason}, e.g. undecodable, unwritable
 * @param error  human-readable message for {@code dlq.error}
 * @param stage  {@code deserialize} or {@code store}
 */
record DeadLetter(ConsumerRecord<String, byte[]> record, String reason, String error, String stage) {
}
