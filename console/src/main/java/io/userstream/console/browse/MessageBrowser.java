package io.userstream.console.browse;

import io.userstream.console.ConsoleProperties;
import io.userstream.console.api.InvalidRequestException;
import io.userstream.console.api.ServerUnavailableException;
import io.userstream.console.kafka.KafkaClients;
import io.userstream.console.schemas.Registry;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.stereotype.Component;

/**
 * Reads a few records of one partition from an offset (or the latest ones), with a consumer of its own per
 * request, and decodes them through the registry.
 */
@Component
public class MessageBrowser {

    private static final Duration READ_FOR = Duration.ofSeconds(3);

    private final KafkaClients kafka;
    private final ValueDecoder decoder;
    private final Registry registry;
    private final ConsoleProperties properties;

    MessageBrowser(KafkaClients kafka, ValueDecoder decoder, Registry registry, ConsoleProperties properties) {
        this.kafka = kafka;
        this.decoder = decoder;
        this.registry = registry;
        this.properties = properties;
    }

    /** @param offset {@code latest} (the last {@code limit} records) or a number (from that offset on) */
    public List<BrowsedRecord> browse(String topic, int partition, String offset, int limit) {
        if (limit < 1 || limit > properties.maxBrowse()) {
            throw new InvalidRequestException("limit", "limit must be between 1 and " + properties.maxBrowse());
        }
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer("console-browse", new ByteArrayDeserializer())) {
            return read(consumer, topic, partition, offset, limit);
        } catch (KafkaException e) {
            // Kafka away or too slow: a 503 naming it, which the page shows, never a 500.
            throw new ServerUnavailableException("kafka", topic, e);
        }
    }

    private List<BrowsedRecord> read(KafkaConsumer<String, byte[]> consumer, String topic, int partition, String offset, int limit) {
        var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(3));
        if (partitions == null || partitions.isEmpty()) {
            throw new InvalidRequestException("topic", "no topic " + topic);
        }
        if (partitions.stream().noneMatch(p -> p.partition() == partition)) {
            throw new InvalidRequestException("partition", topic + " has partitions 0 to " + (partitions.size() - 1));
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        long begin = consumer.beginningOffsets(List.of(tp), Duration.ofSeconds(3)).get(tp);
        long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(3)).get(tp);
        long from = startOffset(offset, begin, end, limit);
        consumer.seek(tp, from);
        List<BrowsedRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + READ_FOR.toNanos();
        // Transaction markers take offsets but are never returned: stop at the end offset, not at a record count.
        while (records.size() < limit && consumer.position(tp) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (records.size() < limit) {
                    records.add(toBrowsed(record));
                }
            }
        }
        return records;
    }

    private static long startOffset(String offset, long begin, long end, int limit) {
        if ("latest".equalsIgnoreCase(offset)) {
            return Math.max(begin, end - limit);
        }
        try {
            long requested = Long.parseLong(offset);
            if (requested < 0) {
                throw new InvalidRequestException("offset", "offset must be 'latest' or a number from " + begin);
            }
            return Math.max(begin, Math.min(requested, end));
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("offset", "offset must be 'latest' or a number, was '" + offset + "'");
        }
    }

    private BrowsedRecord toBrowsed(ConsumerRecord<String, byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), text(header.value()));
        }
        ValueDecoder.Decoded decoded = decoder.decode(record.value());
        String subject = null;
        Integer version = null;
        if (decoded.schemaId() != null) {
            List<Registry.SubjectVersion> versions = registry.versionsOfId(decoded.schemaId())
                    .onErrorReturn(List.of()).blockOptional().orElse(List.of());
            Registry.SubjectVersion mine = versions.stream().filter(v -> v.subject().equals(record.topic() + "-value")).findFirst()
                    .orElse(versions.isEmpty() ? null : versions.get(0));
            if (mine != null) {
                subject = mine.subject();
                version = mine.version();
            }
        }
        return new BrowsedRecord(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                record.key(), headers, decoded.schemaId(), subject, version, decoded.value(),
                record.value() == null ? 0 : record.value().length, decoded.error());
    }

    /** UTF-8 text, or {@code base64:...} for bytes that are not. */
    private static String text(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(value);
        }
    }
}
