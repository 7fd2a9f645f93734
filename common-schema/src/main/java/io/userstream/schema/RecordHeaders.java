package io.userstream.schema;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Kafka record headers shared by the services and the console (issue 13's contract). Every value is
 * UTF-8 text. Kafka Streams carries an input record's headers to its outputs, so headers set on
 * {@code users_created} arrive on {@code users_processed} and on dead letters too.
 */
public final class RecordHeaders {

    /** The ingestion run id (UUID text), set by ingest-service on every {@code users_created} record. */
    public static final String RUN_ID = "userstream.run-id";

    /** UUID of the re-drive action (its audit record), set by the console on a re-driven record. */
    public static final String REDRIVE_ID = "redrive.id";
    /** How many times this dead letter has been re-driven, this re-drive included (1, 2, ...). */
    public static final String REDRIVE_COUNT = "redrive.count";
    /** Who asked for the re-drive. */
    public static final String REDRIVE_BY = "redrive.by";
    /**
     * The {@code dlq.source.*} coordinates of the first dead letter of the record, unchanged across
     * repeated re-drives: the identity of a dead letter across re-drives.
     */
    public static final String REDRIVE_ORIGIN_TOPIC = "redrive.origin.topic";
    public static final String REDRIVE_ORIGIN_PARTITION = "redrive.origin.partition";
    public static final String REDRIVE_ORIGIN_OFFSET = "redrive.origin.offset";

    private RecordHeaders() {
    }

    /** The last value of {@code key} as UTF-8 text, or null when the header is absent or has no value. */
    public static String text(Headers headers, String key) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Replaces every {@code key} header by one carrying {@code value} as UTF-8. */
    public static Headers put(Headers headers, String key, String value) {
        headers.remove(key);
        return headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
