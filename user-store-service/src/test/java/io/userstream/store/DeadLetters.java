package io.userstream.store;

import io.userstream.localstack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Dead-letter records as the services write them to users_dlq: the original bytes and the dlq.* headers. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** The dlq.* headers of a dead letter. */
    public static Map<String, String> headers(String reason, String stage, String error, String sourceTopic, int sourcePartition,
                                              long sourceOffset, String failedAt, String service) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("dlq.reason", reason);
        headers.put("dlq.error", error);
        headers.put("dlq.stage", stage);
        headers.put("dlq.source.topic", sourceTopic);
        headers.put("dlq.source.partition", Integer.toString(sourcePartition));
        headers.put("dlq.source.offset", Long.toString(sourceOffset));
        headers.put("dlq.failed-at", failedAt);
        headers.put("dlq.service", service);
        return headers;
    }

    /** The headers the console sets on a re-driven users_created record, which the processor carries on to its outputs. */
    public static Map<String, String> redriveHeaders(int count, String originTopic, int originPartition, long originOffset) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("redrive.id", UUID.randomUUID().toString());
        headers.put("redrive.count", Integer.toString(count));
        headers.put("redrive.by", "operator@example.com");
        headers.put("redrive.origin.topic", originTopic);
        headers.put("redrive.origin.partition", Integer.toString(originPartition));
        headers.put("redrive.origin.offset", Long.toString(originOffset));
        return headers;
    }

    public static Headers kafkaHeaders(Map<String, String> headers) {
        RecordHeaders kafka = new RecordHeaders();
        headers.forEach((key, value) -> kafka.add(key, value.getBytes(StandardCharsets.UTF_8)));
        return kafka;
    }

    public static ProducerRecord<String, byte[]> record(String dlqTopic, String key, byte[] original, Map<String, String> headers) {
        return new ProducerRecord<>(dlqTopic, null, key, original, kafkaHeaders(headers));
    }

    /** The dead letter on users_dlq of the record at {@code source} of {@code sourceTopic}; fails after 30 s without one. */
    public static ConsumerRecord<String, byte[]> find(LocalStack stack, String sourceTopic, RecordMetadata source) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put("group.id", "dlq-reader-" + UUID.randomUUID());
        config.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("users_dlq"));
            Instant deadline = Instant.now().plusSeconds(30);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Map<String, String> headers = headers(record);
                    if (sourceTopic.equals(headers.get("dlq.source.topic"))
                            && Integer.toString(source.partition()).equals(headers.get("dlq.source.partition"))
                            && Long.toString(source.offset()).equals(headers.get("dlq.source.offset"))) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("No dead letter for " + sourceTopic + "-" + source.partition() + "@" + source.offset());
    }

    public static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }
}
