package io.userstream.processor.validate;

/** Why a decodable user is rejected; {@link #code()} is what the dlq.reason header carries. */
public enum InvalidReason {
    /** A tombstone (null value) on users_created. */
    MISSING_VALUE("missing-value"),
    /** The record key is not the user's login uuid, so de-duplication by key would not see the user. */
    KEY_MISMATCH("key-mismatch"),
    /** A required text field is empty or blank. */
    MISSING_FIELD("missing-field"),
    INVALID_EMAIL("invalid-email"),
    /** Date of birth or registration lies after the processing instant. */
    FUTURE_DATE("future-date"),
    /** Latitude outside -90..90 or longitude outside -180..180 (or not a number). */
    INVALID_COORDINATES("invalid-coordinates"),
    /** nat is not an ISO 3166-1 alpha-2 country code. */
    UNKNOWN_NAT("unknown-nat");

    private final String code;

    InvalidReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
