package io.userstream.store.consume;

import io.userstream.schema.RecordHeaders;
import io.userstream.schema.serde.SchemaRegistryException;
import io.userstream.store.write.RunDeadLetter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a dead letter of any service: the {@code dlq.*} headers, and the original value decoded
 * generically (GenericRecord), so a {@code UserCreated} dead-lettered by validation and a
 * {@code UserProcessed} dead-lettered by the store are read the same way, by field path:
 * {@code ingestion.runId}, and {@code userId} or else {@code login.uuid}.
 *
 * <p>{@link SchemaRegistryException} (registry unreachable) is not caught: the batch is retried.
 */
final class DeadLetterDecoder {

    static final String REASON = "dlq.reason";
    static final String ERROR = "dlq.error";
    static final String STAGE = "dlq.stage";
    static final String SOURCE_TOPIC = "dlq.source.topic";
    static final String SOURCE_PARTITION = "dlq.source.partition";
    static final String SOURCE_OFFSET = "dlq.source.offset";
    static final String FAILED_AT = "dlq.failed-at";
    static final String SERVICE = "dlq.service";
    /** The dead-letterers' reason for bytes they could not read: no point trying again here. */
    static final String REASON_UNDECODABLE = "undecodable";

    private final Deserializer<Object> values;

    /** @param values the project's AvroDeserializer (generic or specific reader; both give GenericRecords) */
    DeadLetterDecoder(Deserializer<Object> values) {
        this.values = values;
    }

    DeadLetterAttribution attribute(ConsumerRecord<String, byte[]> record) {
        String reason = header(record, REASON);
        if (REASON_UNDECODABLE.equals(reason)) {
            return new DeadLetterAttribution.Unattributable("undecodable", "the dead-letterer could not read the original value: "
                    + header(record, ERROR));
        }
        if (record.value() == null) {
            return new DeadLetterAttribution.Unattributable("no-value", "the dead letter has no original value");
        }
        SourceRecord source = SourceRecord.of(record);
        Object value;
        try {
            value = values.deserialize(source.topic(), record.value());
        } catch (SchemaRegistryException e) {
            throw e;
        } catch (SerializationException e) {
            // UndecodableRecordException, or a schema this service cannot resolve
            return new DeadLetterAttribution.Unattributable("undecodable", e.getMessage());
        }
        if (!(value instanceof GenericRecord original)) {
            return new DeadLetterAttribution.Unattributable("no-run-id", "the original value is not an Avro record");
        }
        UUID runId = uuid(original, "ingestion", "runId");
        if (runId == null) {
            return new DeadLetterAttribution.Unattributable("no-run-id", "the original " + original.getSchema().getName()
                    + " carries no ingestion.runId UUID");
        }
        UUID userId = uuid(original, "userId");
        if (userId == null) {
            userId = uuid(original, "login", "uuid");
        }
        Instant failedAt = instant(header(record, FAILED_AT));
        return new DeadLetterAttribution.Attributed(new RunDeadLetter(runId, source.topic(), source.partition(), source.offset(),
                userId, reason, header(record, STAGE), header(record, ERROR), failedAt, header(record, SERVICE),
                redriveCount(record), failedAt != null ? failedAt : Instant.ofEpochMilli(Math.max(0, record.timestamp()))));
    }

    /** {@code redrive.count}; 0 for a dead letter of a record never re-driven (or an unreadable count). */
    private static int redriveCount(ConsumerRecord<String, byte[]> record) {
        String count = header(record, RecordHeaders.REDRIVE_COUNT);
        if (count == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(count.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Where the original record was first read: the identity of a dead letter. A re-driven record's
     * dead letter carries the coordinates of the first dead letter in {@code redrive.origin.*} (its
     * {@code dlq.source.*} name the re-driven copy), so every failure of one record maps to one row.
     * Otherwise {@code dlq.source.*}; a dead letter without usable ones is identified by its own place
     * in the DLQ topic instead: just as stable on replay.
     */
    record SourceRecord(String topic, int partition, long offset) {

        static SourceRecord of(ConsumerRecord<String, byte[]> record) {
            SourceRecord origin = redriveOrigin(record);
            if (origin != null) {
                return origin;
            }
            SourceRecord source = parse(header(record, SOURCE_TOPIC), header(record, SOURCE_PARTITION), header(record, SOURCE_OFFSET));
            return source != null ? source : new SourceRecord(record.topic(), record.partition(), record.offset());
        }

        /** The {@code redrive.origin.*} coordinates of a re-driven record (or of its dead letter); null when absent or unusable. */
        static SourceRecord redriveOrigin(ConsumerRecord<?, ?> record) {
            return parse(header(record, RecordHeaders.REDRIVE_ORIGIN_TOPIC), header(record, RecordHeaders.REDRIVE_ORIGIN_PARTITION),
                    header(record, RecordHeaders.REDRIVE_ORIGIN_OFFSET));
        }

        private static SourceRecord parse(String topic, String partition, String offset) {
            if (topic == null || topic.isBlank() || partition == null || offset == null) {
                return null;
            }
            try {
                return new SourceRecord(topic, Integer.parseInt(partition.strip()), Long.parseLong(offset.strip()));
            } catch (NumberFormatException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    static String header(ConsumerRecord<?, ?> record, String key) {
        return RecordHeaders.text(record.headers(), key);
    }

    /** The UUID at a field path, or null when a field is missing or the value is not a UUID. */
    private static UUID uuid(GenericRecord record, String... path) {
        Object current = record;
        for (String field : path) {
            if (!(current instanceof GenericRecord nested)) {
                return null;
            }
            Schema.Field schemaField = nested.getSchema().getField(field);
            if (schemaField == null) {
                return null;
            }
            current = nested.get(schemaField.pos());
        }
        if (current instanceof UUID uuid) {
            return uuid;
        }
        if (current instanceof CharSequence text) {
            try {
                return UUID.fromString(text.toString());
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
