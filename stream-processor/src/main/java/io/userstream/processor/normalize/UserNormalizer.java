package io.userstream.processor.normalize;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

import io.userstream.schema.Location;
import io.userstream.schema.Name;
import io.userstream.schema.UserCreated;
import io.userstream.schema.UserProcessed;

/**
 * A valid users_created value to a users_processed value: trimmed and capitalized names, lower-case
 * gender and e-mail, the e-mail domain, E.164 phone numbers, the one-line address, the country code,
 * the age at processing time; ingestion metadata copied unchanged.
 */
public class UserNormalizer {

    private static final Pattern BLANKS = Pattern.compile("\\s+");

    private final Clock clock;

    public UserNormalizer(Clock clock) {
        this.clock = clock;
    }

    public UserProcessed normalize(UserCreated user) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Location location = user.getLocation();
        String countryCode = user.getNat().trim().toUpperCase(Locale.ROOT);
        String email = user.getEmail().trim().toLowerCase(Locale.ROOT);
        String postcode = location.getPostcode().trim();
        String city = location.getCity().trim();
        String state = location.getState().trim();
        String country = location.getCountry().trim();
        return UserProcessed.newBuilder()
                .setUserId(user.getLogin().getUuid())
                .setName(Name.newBuilder()
                        .setTitle(capitalized(user.getName().getTitle()))
                        .setFirst(capitalized(user.getName().getFirst()))
                        .setLast(capitalized(user.getName().getLast()))
                        .build())
                .setGender(user.getGender().trim().toLowerCase(Locale.ROOT))
                .setEmail(email)
                .setEmailDomain(email.substring(email.lastIndexOf('@') + 1))
                .setUsername(user.getLogin().getUsername().trim())
                .setPhone(PhoneNumbers.toE164(user.getPhone(), countryCode))
                .setCell(PhoneNumbers.toE164(user.getCell(), countryCode))
                .setAddress(location.getStreet().getNumber() + " " + collapsed(location.getStreet().getName())
                        + ", " + postcode + " " + city + ", " + state + ", " + country)
                .setPostcode(postcode)
                .setCity(city)
                .setState(state)
                .setCountry(country)
                .setCountryCode(countryCode)
                .setCoordinates(location.getCoordinates())
                .setDateOfBirth(user.getDob().getDate())
                .setAge(ageOn(user.getDob().getDate(), now))
                .setRegisteredAt(user.getRegistered().getDate())
                .setPicture(user.getPicture())
                .setIngestion(user.getIngestion())
                .setProcessedAt(now)
                .build();
    }

    /** Whole years from the date of birth to the processing instant, both as UTC dates. */
    static int ageOn(Instant dateOfBirth, Instant now) {
        return Period.between(LocalDate.ofInstant(dateOfBirth, ZoneOffset.UTC), LocalDate.ofInstant(now, ZoneOffset.UTC)).getYears();
    }

    /**
     * Blanks trimmed and collapsed; each part upper-case first, lower-case rest, where parts are
     * separated by blanks, hyphens and apostrophes ({@code "  jean-luc o'NEIL "} → {@code "Jean-Luc O'Neil"}).
     */
    static String capitalized(String text) {
        String collapsed = collapsed(text);
        StringBuilder out = new StringBuilder(collapsed.length());
        boolean partStart = true;
        for (int i = 0; i < collapsed.length(); ) {
            int codePoint = collapsed.codePointAt(i);
            out.appendCodePoint(partStart ? Character.toTitleCase(codePoint) : Character.toLowerCase(codePoint));
            partStart = codePoint == ' ' || codePoint == '-' || codePoint == '\'';
            i += Character.charCount(codePoint);
        }
        return out.toString();
    }

    private static String collapsed(String text) {
        return BLANKS.matcher(text.trim()).replaceAll(" ");
    }
}
