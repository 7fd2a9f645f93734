package io.userstream.schema;

import java.time.Instant;
import java.util.UUID;

/** Fully populated records as the pipeline would produce them; timestamps at millisecond precision like the schema. */
public final class SampleRecords {

    private SampleRecords() {
    }

    public static UserCreated userCreated() {
        return UserCreated.newBuilder()
                .setName(Name.newBuilder().setTitle("Ms").setFirst("Lotta").setLast("Heikkinen").build())
                .setGender("female")
                .setLocation(Location.newBuilder()
                        .setStreet(Street.newBuilder().setNumber(4715).setName("Hämeenkatu").build())
                        .setCity("Keuruu")
                        .setState("Kymenlaakso")
                        .setCountry("Finland")
                        .setPostcode("55461")
                        .setCoordinates(Coordinates.newBuilder().setLatitude(-44.3912).setLongitude(119.1127).build())
                        .setTimezone(Timezone.newBuilder().setOffset("+5:30").setDescription("Bombay, Calcutta, Madras, New Delhi").build())
                        .build())
                .setEmail("lotta.heikkinen@example.com")
                .setLogin(Login.newBuilder()
                        .setUuid(UUID.fromString("7a0eed16-9430-4d68-901f-c0d4c1c3bf00"))
                        .setUsername("brownbird213")
                        .build())
                .setDob(DatedAge.newBuilder().setDate(Instant.parse("1968-02-05T03:58:11.112Z")).setAge(57).build())
                .setRegistered(DatedAge.newBuilder().setDate(Instant.parse("2011-06-27T09:05:18.453Z")).setAge(14).build())
                .setPhone("03-456-789")
                .setCell("045-123-45-67")
                .setNationalId(NationalId.newBuilder().setName("HETU").setValue("NaNNA170undefined").build())
                .setPicture(Picture.newBuilder()
                        .setLarge("https://randomuser.me/api/portraits/women/1.jpg")
                        .setMedium("https://randomuser.me/api/portraits/med/women/1.jpg")
                        .setThumbnail("https://randomuser.me/api/portraits/thumb/women/1.jpg")
                        .build())
                .setNat("FI")
                .setIngestion(ingestion())
                .build();
    }

    public static UserProcessed userProcessed() {
        return UserProcessed.newBuilder()
                .setUserId(UUID.fromString("7a0eed16-9430-4d68-901f-c0d4c1c3bf00"))
                .setName(Name.newBuilder().setTitle("Ms").setFirst("Lotta").setLast("Heikkinen").build())
                .setGender("female")
                .setEmail("lotta.heikkinen@example.com")
                .setEmailDomain("example.com")
                .setUsername("brownbird213")
                .setPhone("+3583456789")
                .setCell("+358451234567")
                .setAddress("4715 Hämeenkatu, 55461 Keuruu, Kymenlaakso, Finland")
                .setPostcode("55461")
                .setCity("Keuruu")
                .setState("Kymenlaakso")
                .setCountry("Finland")
                .setCountryCode("FI")
                .setCoordinates(Coordinates.newBuilder().setLatitude(-44.3912).setLongitude(119.1127).build())
                .setDateOfBirth(Instant.parse("1968-02-05T03:58:11.112Z"))
                .setAge(57)
                .setRegisteredAt(Instant.parse("2011-06-27T09:05:18.453Z"))
                .setPicture(Picture.newBuilder()
                        .setLarge("https://randomuser.me/api/portraits/women/1.jpg")
                        .setMedium("https://randomuser.me/api/portraits/med/women/1.jpg")
                        .setThumbnail("https://randomuser.me/api/portraits/thumb/women/1.jpg")
                        .build())
                .setIngestion(ingestion())
                .setProcessedAt(Instant.parse("2026-11-21T10:15:31.250Z"))
                .build();
    }

    public static UserStats userStats() {
        return UserStats.newBuilder()
                .setWindowStart(Instant.parse("2026-11-21T10:15:00Z"))
                .setWindowEnd(Instant.parse("2026-11-21T10:16:00Z"))
                .setDimension(StatsDimension.COUNTRY)
                .setKey("Finland")
                .setCount(42L)
                .build();
    }

    private static IngestionMetadata ingestion() {
        return IngestionMetadata.newBuilder()
                .setRunId(UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"))
                .setSource(IngestSource.RANDOMUSER)
                .setFetchedAt(Instant.parse("2026-11-21T10:15:30.007Z"))
                .build();
    }
}
