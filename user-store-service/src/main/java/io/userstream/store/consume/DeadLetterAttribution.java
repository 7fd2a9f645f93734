package io.userstream.store.consume;

import io.userstream.store.write.RunDeadLetter;

/** What a record read back from the DLQ topic says about which ingestion run it belongs to. */
sealed interface DeadLetterAttribution {

    /** Its original value names a run: store it as one of that run's dead letters. */
    record Attributed(RunDeadLetter deadLetter) implements DeadLetterAttribution {
    }

    /**
     * Its original value cannot be read or names no run, so no run can count it. It stays on the
     * DLQ topic; the service counts and logs it.
     *
     * @param cause  metric tag: undecodable, no-value or no-run-id
     * @param detail why, for the log
     */
    record Unattributable(String cause, String detail) implements DeadLetterAttribution {
    }
}
