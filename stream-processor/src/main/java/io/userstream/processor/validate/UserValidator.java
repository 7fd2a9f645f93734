package io.userstream.processor.validate;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.userstream.processor.consume.SourcedUser;
import io.userstream.schema.Coordinates;
import io.userstream.schema.UserCreated;

import org.apache.commons.validator.routines.EmailValidator;

/**
 * Checks a users_created record: a value, a key equal to the login uuid, required fields present,
 * a syntactically valid e-mail address, dates not in the future, coordinates in range, a known nat.
 * The first failing check names the reason. Its message names the field and the rule, never the
 * value: it travels in the dlq.error header, is stored in dead_letters_by_run and shown to operators,
 * and a value can be personal data (the record itself stays on users_dlq for re-drive).
 */
public class UserValidator {

    private static final Set<String> ISO_COUNTRY_CODES = Set.of(Locale.getISOCountries());
    private static final EmailValidator EMAIL = EmailValidator.getInstance(false, false);

    /** Required text fields by their path in UserCreated. */
    private static final Map<String, Function<UserCreated, String>> REQUIRED = new LinkedHashMap<>();

    static {
        REQUIRED.put("name.first", u -> u.getName().getFirst());
        REQUIRED.put("name.last", u -> u.getName().getLast());
        REQUIRED.put("gender", UserCreated::getGender);
        REQUIRED.put("email", UserCreated::getEmail);
        REQUIRED.put("login.username", u -> u.getLogin().getUsername());
        REQUIRED.put("location.city", u -> u.getLocation().getCity());
        REQUIRED.put("location.country", u -> u.getLocation().getCountry());
        REQUIRED.put("nat", UserCreated::getNat);
    }

    private final Clock clock;

    public UserValidator(Clock clock) {
        this.clock = clock;
    }

    public Validation validate(String key, SourcedUser sourced) {
        if (sourced == null) {
            return new Validation.Invalid(null, InvalidReason.MISSING_VALUE, "users_created record has no value (tombstone)");
        }
        UserCreated user = sourced.user();
        String userId = user.getLogin().getUuid().toString();
        if (!userId.equals(key)) {
            return invalid(sourced, InvalidReason.KEY_MISMATCH, "record key is not login.uuid");
        }
        for (Map.Entry<String, Function<UserCreated, String>> field : REQUIRED.entrySet()) {
            String value = field.getValue().apply(user);
            if (value == null || value.isBlank()) {
                return invalid(sourced, InvalidReason.MISSING_FIELD, field.getKey() + " is empty");
            }
        }
        String email = user.getEmail().trim();
        if (!EMAIL.isValid(email)) {
            return invalid(sourced, InvalidReason.INVALID_EMAIL, "email is not a valid address");
        }
        Instant now = clock.instant();
        if (user.getDob().getDate().isAfter(now)) {
            return invalid(sourced, InvalidReason.FUTURE_DATE, "dob.date is in the future");
        }
        if (user.getRegistered().getDate().isAfter(now)) {
            return invalid(sourced, InvalidReason.FUTURE_DATE, "registered.date is in the future");
        }
        Coordinates position = user.getLocation().getCoordinates();
        if (!(Math.abs(position.getLatitude()) <= 90.0) || !(Math.abs(position.getLongitude()) <= 180.0)) {
            return invalid(sourced, InvalidReason.INVALID_COORDINATES, "location.coordinates out of range: latitude -90..90, longitude -180..180");
        }
        String nat = user.getNat().trim().toUpperCase(Locale.ROOT);
        if (!ISO_COUNTRY_CODES.contains(nat)) {
            return invalid(sourced, InvalidReason.UNKNOWN_NAT, "nat is not an ISO 3166-1 alpha-2 code");
        }
        return new Validation.Valid(sourced);
    }

    private static Validation invalid(SourcedUser sourced, InvalidReason reason, String message) {
        return new Validation.Invalid(sourced, reason, message);
    }
}
