package io.userstream.store.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Parses request parameters, failing with the parameter's name. */
final class Parameters {

    private Parameters() {
    }

    static UUID uuid(String name, String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(name, name + " must be a UUID, e.g. 3f2c6f0e-8d1b-4c4e-9a57-2b1f0c9d7e61, not '" + value + "'");
        }
    }

    /**
     * The instants the API accepts: four-digit years. Instant.parse takes years up to nine digits, which
     * overflow the range arithmetic (from = to - 24 h), LocalDate and Cassandra's date and timestamp types.
     */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    static Instant instant(String name, String value) {
        Instant parsed;
        try {
            parsed = Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException(name, name + " must be an ISO-8601 instant, e.g. 2026-11-22T00:00:00Z, not '" + value + "'");
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw new InvalidParameterException(name, name + " must be from " + EARLIEST + " to " + LATEST + ", not " + value);
        }
        return parsed;
    }

    static int integer(String name, String value, int min, int max) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(name, name + " must be a whole number from " + min + " to " + max + ", not '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new InvalidParameterException(name, name + " must be from " + min + " to " + max + ", not " + parsed);
        }
        return parsed;
    }

    static String required(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidParameterException(name, name + " is required");
        }
        return value.strip();
    }
}
