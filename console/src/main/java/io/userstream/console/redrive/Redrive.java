package io.userstream.console.redrive;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The audit record of one re-drive: who, when, what was asked, and per dead letter what happened. A large
 * re-drive is written in parts (one transaction each); the audit log shows them merged.
 *
 * @param by    who re-drove: the authenticated caller's name (an HTTP Basic user, or a JWT's subject)
 * @param part  1-based part number, of {@code parts}
 */
public record Redrive(String id, String by, Instant at, Selection selection, List<Sent> sent, List<Skipped> skipped,
                      int part, int parts) {

    /** @param corrections the corrected fields (field path to new value), or null when the data went back as it was */
    public record Selection(List<String> ids, String runId, String reason, Map<String, String> corrections) {
    }

    /** Sent back to users_created at this partition and offset, as its {@code redriveCount}-th re-drive. */
    public record Sent(String deadLetterId, String key, int redriveCount, int partition, long offset) {
    }

    /** Not sent, and why. */
    public record Skipped(String deadLetterId, String why) {
    }
}
