package io.userstream.store.query;

import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Instant;
import java.util.UUID;

/** A stored user as the API shows it. */
public record UserView(
        UUID id,
        Name name,
        String gender,
        String email,
        String emailDomain,
        String username,
        String phone,
        String cell,
        Location location,
        Instant dateOfBirth,
        int age,
        Instant registeredAt,
        Picture picture,
        Ingestion ingestion,
        Instant processedAt) {

    public record Name(String title, String first, String last) {
    }

    public record Location(String address, String postcode, String city, String state, String country, String countryCode,
                           double latitude, double longitude) {
    }

    public record Picture(String large, String medium, String thumbnail) {
    }

    public record Ingestion(UUID runId, String source, Instant fetchedAt) {
    }

    /** The columns every query of users selects (users and users_by_country share them). */
    static final String COLUMNS = "user_id, title, first_name, last_name, gender, email, email_domain, username, phone, cell, "
            + "address, postcode, city, state, country, country_code, latitude, longitude, date_of_birth, age, registered_at, "
            + "picture_large, picture_medium, picture_thumbnail, run_id, source, fetched_at, processed_at";

    static UserView of(Row row) {
        return new UserView(
                row.getUuid("user_id"),
                new Name(row.getString("title"), row.getString("first_name"), row.getString("last_name")),
                row.getString("gender"),
                row.getString("email"),
                row.getString("email_domain"),
                row.getString("username"),
                row.getString("phone"),
                row.getString("cell"),
                new Location(row.getString("address"), row.getString("postcode"), row.getString("city"), row.getString("state"),
                        row.getString("country"), row.getString("country_code"), row.getDouble("latitude"), row.getDouble("longitude")),
                row.getInstant("date_of_birth"),
                row.getInt("age"),
                row.getInstant("registered_at"),
                new Picture(row.getString("picture_large"), row.getString("picture_medium"), row.getString("picture_thumbnail")),
                new Ingestion(row.getUuid("run_id"), row.getString("source"), row.getInstant("fetched_at")),
                row.getInstant("processed_at"));
    }
}
