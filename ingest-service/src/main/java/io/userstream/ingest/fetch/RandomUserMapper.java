package io.userstream.ingest.fetch;

import io.userstream.schema.Coordinates;
import io.userstream.schema.DatedAge;
import io.userstream.schema.IngestSource;
import io.userstream.schema.IngestionMetadata;
import io.userstream.schema.Location;
import io.userstream.schema.Login;
import io.userstream.schema.Name;
import io.userstream.schema.NationalId;
import io.userstream.schema.Picture;
import io.userstream.schema.Street;
import io.userstream.schema.Timezone;
import io.userstream.schema.UserCreated;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Turns randomuser.me's JSON into {@link UserCreated} records, one user at a time, so that one user
 * with an unusable shape becomes an {@link FetchedUser.Unusable} with the reason instead of failing
 * its page. Copies only the fields of the Avro contract: login password, salt, md5, sha1 and sha256
 * are never read. Unknown extra fields are ignored. The national identifier is read only when it is
 * kept ({@link PersonalDataProperties}). A reason names the field and the rule it breaks, never the
 * value: reasons are kept in the run ledger and shown to operators, and a value can be personal data.
 */
public final class RandomUserMapper {

    private final boolean keepNationalId;

    /** @param keepNationalId map the source's {@code id} object; otherwise {@code nationalId} is null */
    public RandomUserMapper(boolean keepNationalId) {
        this.keepNationalId = keepNationalId;
    }

    /**
     * Maps the {@code results} array of one response.
     *
     * @throws MalformedResponseException if the body has no {@code results} array
     */
    public List<FetchedUser> mapPage(JsonNode body, PageSpec page, Instant fetchedAt) {
        JsonNode results = body == null ? null : body.get("results");
        if (results == null || !results.isArray()) {
            throw new MalformedResponseException("response has no results array");
        }
        int take = Math.min(page.size(), results.size());
        List<FetchedUser> users = new ArrayList<>(take);
        for (int position = 0; position < take; position++) {
            users.add(mapUser(results.get(position), position, page.runId(), fetchedAt));
        }
        if (results.size() < page.size()) {
            // A short answer is not silently accepted: the missing users are failed with a reason.
            for (int position = results.size(); position < page.size(); position++) {
                users.add(new FetchedUser.Unusable(position, "missing: the source returned " + results.size()
                        + " of " + page.size() + " users for this page"));
            }
        }
        return users;
    }

    public FetchedUser mapUser(JsonNode user, int position, UUID runId, Instant fetchedAt) {
        try {
            return new FetchedUser.Usable(position, toUserCreated(user, runId, fetchedAt));
        } catch (UnusableUserException e) {
            return new FetchedUser.Unusable(position, e.getMessage());
        }
    }

    private UserCreated toUserCreated(JsonNode user, UUID runId, Instant fetchedAt) {
        if (user == null || !user.isObject()) {
            throw new UnusableUserException("not a JSON object");
        }
        JsonNode name = object(user, "name");
        JsonNode location = object(user, "location");
        JsonNode street = object(location, "location", "street");
        JsonNode coordinates = object(location, "location", "coordinates");
        JsonNode timezone = object(location, "location", "timezone");
        JsonNode login = object(user, "login");
        JsonNode dob = object(user, "dob");
        JsonNode registered = object(user, "registered");
        JsonNode id = object(user, "id");
        JsonNode picture = object(user, "picture");
        return UserCreated.newBuilder()
                .setName(Name.newBuilder()
                        .setTitle(text(name, "name.title"))
                        .setFirst(text(name, "name.first"))
                        .setLast(text(name, "name.last"))
                        .build())
                .setGender(text(user, "gender"))
                .setLocation(Location.newBuilder()
                        .setStreet(Street.newBuilder()
                                .setNumber(integer(street, "location.street.number"))
                                .setName(text(street, "location.street.name"))
                                .build())
                        .setCity(text(location, "location.city"))
                        .setState(text(location, "location.state"))
                        .setCountry(text(location, "location.country"))
                        .setPostcode(postcode(location))
                        .setCoordinates(Coordinates.newBuilder()
                                .setLatitude(degrees(coordinates, "location.coordinates.latitude", 90))
                                .setLongitude(degrees(coordinates, "location.coordinates.longitude", 180))
                                .build())
                        .setTimezone(Timezone.newBuilder()
                                .setOffset(text(timezone, "location.timezone.offset"))
                                .setDescription(text(timezone, "location.timezone.description"))
                                .build())
                        .build())
                .setEmail(text(user, "email"))
                .setLogin(Login.newBuilder()
                        .setUuid(uuid(login, "login.uuid"))
                        .setUsername(text(login, "login.username"))
                        .build())
                .setDob(datedAge(dob, "dob"))
                .setRegistered(datedAge(registered, "registered"))
                .setPhone(text(user, "phone"))
                .setCell(text(user, "cell"))
                .setNationalId(keepNationalId ? NationalId.newBuilder()
                        // randomuser.me sends {"name": "", "value": null} for nationalities without an id.
                        .setName(optionalText(id, "id.name", ""))
                        .setValue(optionalText(id, "id.value", null))
                        .build() : null)
                .setPicture(Picture.newBuilder()
                        .setLarge(text(picture, "picture.large"))
                        .setMedium(text(picture, "picture.medium"))
                        .setThumbnail(text(picture, "picture.thumbnail"))
                        .build())
                .setNat(text(user, "nat"))
                .setIngestion(IngestionMetadata.newBuilder()
                        .setRunId(runId)
                        .setSource(IngestSource.RANDOMUSER)
                        .setFetchedAt(fetchedAt)
                        .build())
                .build();
    }

    private static JsonNode object(JsonNode parent, String path) {
        return object(parent, "", path);
    }

    private static JsonNode object(JsonNode parent, String parentPath, String field) {
        String path = parentPath.isEmpty() ? field : parentPath + "." + field;
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new UnusableUserException("missing field " + path);
        }
        if (!node.isObject()) {
            throw new UnusableUserException("field " + path + " is not an object");
        }
        return node;
    }

    private static JsonNode value(JsonNode parent, String path) {
        JsonNode node = parent.get(leaf(path));
        if (node == null || node.isNull()) {
            throw new UnusableUserException("missing field " + path);
        }
        return node;
    }

    private static String text(JsonNode parent, String path) {
        JsonNode node = value(parent, path);
        if (!node.isString()) {
            throw new UnusableUserException("field " + path + " is not a string");
        }
        return node.stringValue();
    }

    private static String optionalText(JsonNode parent, String path, String absent) {
        JsonNode node = parent.get(leaf(path));
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isString() && !node.isNumber()) {
            throw new UnusableUserException("field " + path + " is not a string");
        }
        return node.asString();
    }

    private static int integer(JsonNode parent, String path) {
        JsonNode node = value(parent, path);
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        if (node.isString()) {
            try {
                return Integer.parseInt(node.stringValue().trim());
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new UnusableUserException("field " + path + " is not a whole number");
    }

    /** randomuser.me sends a number for some nationalities (e.g. 63104) and a string for others (e.g. "EC1A 1BB"). */
    private static String postcode(JsonNode location) {
        JsonNode node = value(location, "location.postcode");
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isIntegralNumber()) {
            return node.asString();
        }
        throw new UnusableUserException("field location.postcode is neither a string nor a whole number");
    }

    /** Sent as strings ("-69.8246"); numbers are accepted too. */
    private static double degrees(JsonNode parent, String path, double limit) {
        JsonNode node = value(parent, path);
        double degrees;
        if (node.isNumber()) {
            degrees = node.doubleValue();
        } else if (node.isString()) {
            try {
                degrees = Double.parseDouble(node.stringValue().trim());
            } catch (NumberFormatException e) {
                throw new UnusableUserException("field " + path + " is not a number");
            }
        } else {
            throw new UnusableUserException("field " + path + " is not a number");
        }
        if (!(Math.abs(degrees) <= limit)) {
            throw new UnusableUserException("field " + path + " is out of range (at most " + limit + " degrees either way)");
        }
        return degrees;
    }

    private static UUID uuid(JsonNode parent, String path) {
        String text = text(parent, path);
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new UnusableUserException("field " + path + " is not a UUID");
        }
    }

    private static DatedAge datedAge(JsonNode node, String path) {
        String date = text(node, path + ".date");
        Instant instant;
        try {
            instant = Instant.parse(date);
        } catch (DateTimeParseException e) {
            throw new UnusableUserException("field " + path + ".date is not an ISO-8601 instant");
        }
        return DatedAge.newBuilder().setDate(instant).setAge(integer(node, path + ".age")).build();
    }

    private static String leaf(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }
}
