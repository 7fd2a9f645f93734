package io.userstream.store.consume;

import io.userstream.schema.serde.SchemaRegistryException;
import io.userstream.store.write.RunDeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
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
        return new DeadLetterAttribution.Attributed(new RunDeadLetter(runId, source.topic(), source.partition(), source.offset(),
                userId, reason, header(record, STAGE), header(record, ERROR), instant(header(record, FAILED_AT)),
                header(record, SERVICE)));
    }

    /**
     * Where the original record was read. A dead letter without usable {@code dlq.source.*} headers
     * is identified by its own place in the DLQ topic instead: just as stable on replay.
     */
    record SourceRecord(String topic, int partition, long offset) {

        static SourceRecord of(ConsumerRecord<String, byte[]> record) {
            String topic = header(record, SOURCE_TOPIC);
            String partition = header(record, SOURCE_PARTITION);
            String offset = header(record, SOURCE_OFFSET);
            if (topic != null && !topic.isBlank() && partition != null && offset != null) {
                try {
                    return new SourceRecord(topic, Integer.parseInt(partition.strip()), Long.parseLong(offset.strip()));
                } catch (NumberFormatException e) {
                    // fall through to the DLQ coordinates
                }
            }
            return new SourceRecord(record.topic(), record.partition(), record.offset());
        }

        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    static String header(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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
