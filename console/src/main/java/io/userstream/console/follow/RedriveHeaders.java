package io.userstream.console.follow;

import io.userstream.schema.RecordHeaders;
import org.apache.kafka.common.header.Headers;

/** Reads the re-drive headers of the contract ({@link RecordHeaders}). */
public final class RedriveHeaders {

    private RedriveHeaders() {
    }

    /** The origin a re-driven record names, or null for a record never re-driven. */
    public static Origin origin(Headers headers) {
        String topic = RecordHeaders.text(headers, RecordHeaders.REDRIVE_ORIGIN_TOPIC);
        String partition = RecordHeaders.text(headers, RecordHeaders.REDRIVE_ORIGIN_PARTITION);
        String offset = RecordHeaders.text(headers, RecordHeaders.REDRIVE_ORIGIN_OFFSET);
        if (topic == null || partition == null || offset == null) {
            return null;
        }
        try {
            return new Origin(topic, Integer.parseInt(partition), Long.parseLong(offset));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** How often the record was re-driven (0 when never). */
    public static int count(Headers headers) {
        String count = RecordHeaders.text(headers, RecordHeaders.REDRIVE_COUNT);
        try {
            return count == null ? 0 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
