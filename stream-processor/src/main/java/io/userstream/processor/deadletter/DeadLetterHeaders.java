package io.userstream.processor.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The team's dead-letter header convention: the record's own headers are kept and these UTF-8
 * headers are added, saying why, where from and when.
 */
public final class DeadLetterHeaders {

    public static final String REASON = "dlq.reason";
    public static final String ERROR = "dlq.error";
    public static final String STAGE = "dlq.stage";
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    public static final String FAILED_AT = "dlq.failed-at";
    public static final String SERVICE = "dlq.service";

    /** Reason code of bytes our deserializer cannot read. */
    public static final String REASON_UNDECODABLE = "undecodable";
    public static final String STAGE_DESERIALIZE = "deserialize";
    public static final String STAGE_VALIDATE = "validate";

    private DeadLetterHeaders() {
    }

    /** A copy of {@code original} with the dead-letter headers added (replacing earlier dlq.* ones). */
    public static Headers with(Headers original, String reason, String error, String stage,
                               String sourceTopic, int sourcePartition, long sourceOffset,
                               Instant failedAt, String service) {
        Headers headers = new RecordHeaders(original == null ? new Header[0] : original.toArray());
        put(headers, REASON, reason);
        put(headers, ERROR, error == null ? "" : error);
        put(headers, STAGE, stage);
        put(headers, SOURCE_TOPIC, sourceTopic);
        put(headers, SOURCE_PARTITION, Integer.toString(sourcePartition));
        put(headers, SOURCE_OFFSET, Long.toString(sourceOffset));
        put(headers, FAILED_AT, failedAt.toString());
        put(headers, SERVICE, service);
        return headers;
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
