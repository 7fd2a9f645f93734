package io.userstream.e2e;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A fixed population of randomuser.me-shaped users, each with what the pipeline must make of it. Valid
 * users are written untidily (odd case, extra blanks, national phone formats, numeric postcodes) and carry
 * the tidy values the documented normalization gives; a known set is malformed, either so that ingest
 * refuses it (its shape) or so that the stream processor dead-letters it (its content).
 */
public final class RandomUserPopulation {

    /** Nationalities with a national phone format and its E.164 form, so expected phones are known by construction. */
    private enum Nat {
        US("United States"), DE("Germany"), FR("France"), FI("Finland"), GB("United Kingdom"), NL("Netherlands"), ES("Spain");

        final String country;

        Nat(String country) {
            this.country = country;
        }
    }

    /** What becomes of a source user. */
    sealed interface Fate {
        /** Stored with exactly these values. */
        record Stored(Expected expected) implements Fate {
        }

        /** Published by ingest, then dead-lettered by the processor with this dlq.reason. */
        record DeadLettered(String reason) implements Fate {
        }

        /** Refused by ingest (counted as failed in its run), never published. */
        record Refused(String why) implements Fate {
        }
    }

    /** The normalized user as users_processed, Cassandra and the REST API must hold it. */
    record Expected(UUID userId, String title, String first, String last, String gender, String email, String emailDomain,
                    String username, String phone, String cell, String address, String postcode, String city, String state,
                    String country, String countryCode, double latitude, double longitude, Instant dateOfBirth,
                    Instant registeredAt, String pictureLarge, String pictureMedium, String pictureThumbnail) {
    }

    record SourceUser(UUID loginUuid, ObjectNode json, Fate fate) {
    }

    private static final String[] FIRST = {"Anna", "Jean-Luc", "Ärne", "Mary Ann", "Lotta", "Brad", "Élodie", "Jan", "Sofía", "Noah"};
    private static final String[] LAST = {"O'Neil", "Heikkinen", "Gibson", "Van Dijk", "Müller", "García", "Smith-Jones", "Dubois"};
    private static final String[] TITLES = {"Ms", "Mr", "Mrs", "Miss", "Monsieur", "Madame"};
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<SourceUser> users;

    /**
     * @param size  users in the population
     * @param every every {@code every}-th user is malformed, cycling through the malformations
     */
    public RandomUserPopulation(int size, int every, long seed) {
        Random random = new Random(seed);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<SourceUser> all = new ArrayList<>(size);
        int malformed = 0;
        for (int i = 0; i < size; i++) {
            UUID id = UUID.nameUUIDFromBytes(("e2e-" + seed + "-" + i).getBytes(StandardCharsets.UTF_8));
            Built user = valid(i, id, random, now);
            if (i % every == every - 1) {
                all.add(malformed(malformed++, id, user.json()));
            } else {
                all.add(new SourceUser(id, user.json(), new Fate.Stored(user.expected())));
            }
        }
        this.users = List.copyOf(all);
    }

    List<SourceUser> users() {
        return users;
    }

    List<SourceUser> withFate(Class<? extends Fate> fate) {
        return users.stream().filter(user -> fate.isInstance(user.fate())).toList();
    }

    private record Built(ObjectNode json, Expected expected) {
    }

    private static SourceUser malformed(int n, UUID id, ObjectNode json) {
        return switch (n % 6) {
            case 0 -> {
                json.put("email", "not-an-email-" + n);
                yield new SourceUser(id, json, new Fate.DeadLettered("invalid-email"));
            }
            case 1 -> {
                ((ObjectNode) json.get("dob")).put("date", "2099-01-01T00:00:00.000Z");
                yield new SourceUser(id, json, new Fate.DeadLettered("future-date"));
            }
            case 2 -> {
                json.put("nat", "ZZ");
                yield new SourceUser(id, json, new Fate.DeadLettered("unknown-nat"));
            }
            case 3 -> {
                ((ObjectNode) json.get("location")).put("city", "   ");
                yield new SourceUser(id, json, new Fate.DeadLettered("missing-field"));
            }
            case 4 -> {
                ((ObjectNode) json.get("location").get("coordinates")).put("latitude", "123.4567");
                yield new SourceUser(id, json, new Fate.Refused("latitude out of range"));
            }
            default -> {
                ((ObjectNode) json.get("login")).remove("uuid");
                yield new SourceUser(id, json, new Fate.Refused("no login.uuid"));
            }
        };
    }

    private static Built valid(int i, UUID id, Random random, Instant now) {
        Nat nat = Nat.values()[i % Nat.values().length];
        String title = TITLES[random.nextInt(TITLES.length)];
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        String gender = random.nextBoolean() ? "female" : "male";
        String email = ascii(first) + "." + ascii(last) + "." + i + "@example.com";
        String username = "user" + i;
        int streetNumber = 1 + random.nextInt(9000);
        String street = "Hämeenkatu";
        String city = "City " + (char) ('A' + random.nextInt(26));
        String state = "State " + random.nextInt(20);
        String postcode = Integer.toString(10000 + random.nextInt(89999));
        double latitude = Math.round((random.nextDouble() * 180 - 90) * 10000) / 10000.0;
        double longitude = Math.round((random.nextDouble() * 360 - 180) * 10000) / 10000.0;
        Instant dob = now.minus(6000 + random.nextInt(20000), ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        Instant registered = now.minus(1 + random.nextInt(5000), ChronoUnit.DAYS);
        String[] phone = phone(nat, random);
        String[] cell = phone(nat, random);
        String picture = "https://randomuser.me/api/portraits/" + (gender.equals("female") ? "women/" : "men/") + (i % 100) + ".jpg";
        String medium = picture.replace("/portraits/", "/portraits/med/");
        String thumbnail = picture.replace("/portraits/", "/portraits/thumb/");

        ObjectNode json = JSON.createObjectNode();
        json.put("gender", i % 3 == 0 ? gender.toUpperCase(Locale.ROOT) : gender);
        ObjectNode name = json.putObject("name");
        name.put("title", untidy(title, i));
        name.put("first", untidy(first, i + 1));
        name.put("last", untidy(last, i + 2));
        ObjectNode location = json.putObject("location");
        location.putObject("street").put("number", streetNumber).put("name", " " + street + " ");
        location.put("city", city + " ");
        location.put("state", " " + state);
        location.put("country", nat.country);
        if (nat == Nat.US || nat == Nat.DE || nat == Nat.FR) {
            location.put("postcode", Integer.parseInt(postcode)); // randomuser.me sends numbers for these
        } else {
            location.put("postcode", " " + postcode);
        }
        location.putObject("coordinates").put("latitude", Double.toString(latitude)).put("longitude", Double.toString(longitude));
        location.putObject("timezone").put("offset", "+2:00").put("description", "Kaliningrad, South Africa");
        json.put("email", i % 2 == 0 ? " " + email.toUpperCase(Locale.ROOT) + " " : email);
        ObjectNode login = json.putObject("login");
        login.put("uuid", id.toString()).put("username", username).put("password", "secret" + i).put("salt", "salt")
                .put("md5", "md5").put("sha1", "sha1").put("sha256", "sha256");
        json.putObject("dob").put("date", dob.toString()).put("age", 40);
        json.putObject("registered").put("date", registered.toString()).put("age", 5);
        json.put("phone", phone[0]);
        json.put("cell", cell[0]);
        ObjectNode nationalId = json.putObject("id").put("name", "SSN");
        if (i % 4 == 0) {
            nationalId.putNull("value"); // randomuser.me does this for some nationalities
        } else {
            nationalId.put("value", "405-88-" + (1000 + i % 9000));
        }
        json.putObject("picture").put("large", picture).put("medium", medium).put("thumbnail", thumbnail);
        json.put("nat", nat.name());

        Expected expected = new Expected(id, title, first, last, gender, email, "example.com", username, phone[1], cell[1],
                streetNumber + " " + street + ", " + postcode + " " + city + ", " + state + ", " + nat.country,
                postcode, city, state, nat.country, nat.name(), latitude, longitude, dob, registered, picture, medium, thumbnail);
        return new Built(json, expected);
    }

    /** The same words in an odd case with extra blanks: normalization must give back the tidy form. */
    private static String untidy(String tidy, int variant) {
        return switch (variant % 3) {
            case 0 -> "  " + tidy.toUpperCase(Locale.ROOT).replace(" ", "   ") + " ";
            case 1 -> tidy.toLowerCase(Locale.ROOT);
            default -> tidy;
        };
    }

    private static String ascii(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    }

    /** {national format, E.164} for a random number of {@code nat}. */
    private static String[] phone(Nat nat, Random random) {
        String d = digits(random, 9);
        return switch (nat) {
            case US -> {
                String national = (2 + random.nextInt(8)) + d; // area codes do not start with 0 or 1
                yield new String[] {"(" + national.substring(0, 3) + ") " + national.substring(3, 6) + "-" + national.substring(6),
                        "+1" + national};
            }
            case DE -> new String[] {"0151-" + d.substring(0, 7), "+49151" + d.substring(0, 7)};
            case FR -> new String[] {"01-" + d.substring(0, 2) + "-" + d.substring(2, 4) + "-" + d.substring(4, 6) + "-" + d.substring(6, 8),
                    "+331" + d.substring(0, 8)};
            case FI -> new String[] {"045-" + d.substring(0, 3) + "-" + d.substring(3, 5) + "-" + d.substring(5, 7),
                    "+35845" + d.substring(0, 7)};
            case GB -> new String[] {"020 79" + d.substring(0, 2) + " " + d.substring(2, 6), "+442079" + d.substring(0, 6)};
            case NL -> new String[] {"06-" + d.substring(0, 4) + " " + d.substring(4, 8), "+316" + d.substring(0, 8)};
            case ES -> new String[] {"6" + d.substring(0, 2) + "-" + d.substring(2, 5) + "-" + d.substring(5, 8), "+346" + d.substring(0, 8)};
        };
    }

    private static String digits(Random random, int count) {
        StringBuilder digits = new StringBuilder(count);
        for (int i = 0; i < count; i++) {
            digits.append(random.nextInt(10));
        }
        return digits.toString();
    }
}
