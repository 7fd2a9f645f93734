package io.userstream.store;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

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

    public static Headers kafkaHeaders(Map<String, String> headers) {
        RecordHeaders kafka = new RecordHeaders();
        headers.forEach((key, value) -> kafka.add(key, value.getBytes(StandardCharsets.UTF_8)));
        return kafka;
    }

    public static ProducerRecord<String, byte[]> record(String dlqTopic, String key, byte[] original, Map<String, String> headers) {
        return new ProducerRecord<>(dlqTopic, null, key, original, kafkaHeaders(headers));
    }
}
