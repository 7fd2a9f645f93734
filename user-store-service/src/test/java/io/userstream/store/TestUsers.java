package io.userstream.store;

import io.userstream.schema.Coordinates;
import io.userstream.schema.IngestSource;
import io.userstream.schema.IngestionMetadata;
import io.userstream.schema.Name;
import io.userstream.schema.Picture;
import io.userstream.schema.UserProcessed;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Processed users as the stream processor emits them. */
public final class TestUsers {

    private TestUsers() {
    }

    /**
     * @param n       makes names, e-mail and username unique within a test
     * @param country ISO code; tests use codes no other test uses
     */
    public static UserProcessed user(UUID userId, UUID runId, String country, String gender, Instant registeredAt, String n) {
        return UserProcessed.newBuilder()
                .setUserId(userId)
                .setName(Name.newBuilder().setTitle("Ms").setFirst("Ada" + n).setLast("Lovelace").build())
                .setGender(gender)
                .setEmail("ada." + n + "@example.org")
                .setEmailDomain("example.org")
                .setUsername("ada_" + n)
                .setPhone("+4930123456")
                .setCell("+4915112345678")
                .setAddress("12 Hauptstraße, 10115 Berlin, Berlin, Germany")
                .setPostcode("10115")
                .setCity("Berlin")
                .setState("Berlin")
                .setCountry("Germany")
                .setCountryCode(country)
                .setCoordinates(Coordinates.newBuilder().setLatitude(52.52).setLongitude(13.405).build())
                .setDateOfBirth(Instant.parse("1990-05-17T08:30:00Z"))
                .setAge(36)
                .setRegisteredAt(registeredAt.truncatedTo(ChronoUnit.MILLIS))
                .setPicture(Picture.newBuilder().setLarge("https://randomuser.me/api/portraits/women/1.jpg")
                        .setMedium("https://randomuser.me/api/portraits/med/women/1.jpg")
                        .setThumbnail("https://randomuser.me/api/portraits/thumb/women/1.jpg").build())
                .setIngestion(IngestionMetadata.newBuilder().setRunId(runId).setSource(IngestSource.RANDOMUSER)
                        .setFetchedAt(Instant.parse("2026-11-22T00:00:00Z")).build())
                .setProcessedAt(Instant.parse("2026-11-22T00:00:01Z"))
                .build();
    }
}
