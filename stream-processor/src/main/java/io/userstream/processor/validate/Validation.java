package io.userstream.processor.validate;

import io.userstream.processor.consume.SourcedUser;

/** What validation says about one users_created record. */
public sealed interface Validation {

    SourcedUser sourced();

    /** Fit to be normalized and stored. */
    record Valid(SourcedUser sourced) implements Validation {
    }

    /**
     * To be dead-lettered.
     *
     * @param reason  short code for the dlq.reason header
     * @param message human-readable detail naming the field and the rule (never the value), for the dlq.error header
     */
    record Invalid(SourcedUser sourced, InvalidReason reason, String message) implements Validation {
    }
}
