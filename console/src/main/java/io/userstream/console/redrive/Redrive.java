package io.userstream.console.redrive;

import java.time.Instant;
import java.util.List;

/**
 * The audit record of one re-drive: who, when, what was asked, and per dead letter what happened. A large
 * re-drive is written in parts (one transaction each); the audit log shows them merged.
 *
 * @param by    who re-drove: the authenticated caller's name (an HTTP Basic user, or a JWT's subject)
 * @param part  1-based part number, of {@code parts}
 */
public record Redrive(String id, String by, Instant at, Selection selection, List<Sent> sent, List<Skipped> skipped,
                      int part, int parts) {

    /**
     * @param correctedFields the paths of the fields corrected, or null when the data went back as it was; not their
     *                        new values: the audit is kept forever, a value can be personal data
     */
    public record Selection(List<String> ids, String runId, String reason, List<String> correctedFields) {
    }

    /** Sent back to users_created at this partition and offset, as its {@code redriveCount}-th re-drive. */
    public record Sent(String deadLetterId, String key, int redriveCount, int partition, long offset) {
    }

    /** Not sent, and why. */
    public record Skipped(String deadLetterId, String why) {
    }
}
