package io.userstream.store;

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
import io.userstream.schema.UserProcessed;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Users as ingest publishes them (created) and as the stream processor emits them (processed). */
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

    /** A user as ingest publishes it to users_created, with an e-mail address validation rejects. */
    public static UserCreated created(UUID loginUuid, UUID runId, String n) {
        return UserCreated.newBuilder()
                .setName(Name.newBuilder().setTitle("Mr").setFirst("Bob" + n).setLast("Builder").build())
                .setGender("male")
                .setLocation(Location.newBuilder()
                        .setStreet(Street.newBuilder().setNumber(12).setName("Hauptstraße").build())
                        .setCity("Berlin").setState("Berlin").setCountry("Germany").setPostcode("10115")
                        .setCoordinates(Coordinates.newBuilder().setLatitude(52.52).setLongitude(13.405).build())
                        .setTimezone(Timezone.newBuilder().setOffset("+1:00").setDescription("Brussels, Copenhagen").build())
                        .build())
                .setEmail("bob." + n + "-at-example.org")
                .setLogin(Login.newBuilder().setUuid(loginUuid).setUsername("bob_" + n).build())
                .setDob(DatedAge.newBuilder().setDate(Instant.parse("1985-02-03T04:05:06Z")).setAge(41).build())
                .setRegistered(DatedAge.newBuilder().setDate(Instant.parse("2015-06-07T08:09:10Z")).setAge(11).build())
                .setPhone("030-1234567")
                .setCell("0151-12345678")
                .setNationalId(NationalId.newBuilder().setName("").setValue(null).build())
                .setPicture(Picture.newBuilder().setLarge("https://randomuser.me/api/portraits/men/1.jpg")
                        .setMedium("https://randomuser.me/api/portraits/med/men/1.jpg")
                        .setThumbnail("https://randomuser.me/api/portraits/thumb/men/1.jpg").build())
                .setNat("DE")
                .setIngestion(IngestionMetadata.newBuilder().setRunId(runId).setSource(IngestSource.RANDOMUSER)
                        .setFetchedAt(Instant.parse("2026-11-22T00:00:00Z")).build())
                .build();
    }
}
