package io.userstream.processor;

import java.time.Instant;
import java.util.UUID;

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
import io.userstream.schema.serde.AvroGeneratedClassTrust;

/** Valid users_created values as the ingest service writes them (randomuser.me's shape). */
public final class Users {

    public static final UUID RUN_ID = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    public static final Instant FETCHED_AT = Instant.parse("2026-11-21T23:59:30.007Z");

    static {
        // Builders of nested records (getLocationBuilder) load generated classes by name.
        AvroGeneratedClassTrust.install();
    }

    private Users() {
    }

    /** A Finnish user with untidy text, as a source might send it. */
    public static UserCreated.Builder finnish(UUID id) {
        return UserCreated.newBuilder()
                .setName(Name.newBuilder().setTitle("ms").setFirst("  lotta ").setLast("HEIKKINEN").build())
                .setGender("Female")
                .setLocation(Location.newBuilder()
                        .setStreet(Street.newBuilder().setNumber(4715).setName("Hämeenkatu").build())
                        .setCity("Keuruu")
                        .setState("Kymenlaakso")
                        .setCountry("Finland")
                        .setPostcode("55461")
                        .setCoordinates(Coordinates.newBuilder().setLatitude(-44.3912).setLongitude(119.1127).build())
                        .setTimezone(Timezone.newBuilder().setOffset("+2:00").setDescription("Helsinki").build())
                        .build())
                .setEmail(" Lotta.Heikkinen@Example.COM ")
                .setLogin(Login.newBuilder().setUuid(id).setUsername("brownbird213").build())
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
                .setIngestion(IngestionMetadata.newBuilder()
                        .setRunId(RUN_ID).setSource(IngestSource.RANDOMUSER).setFetchedAt(FETCHED_AT).build());
    }

    /** A US man: another country and gender for the window counts. */
    public static UserCreated.Builder american(UUID id) {
        UserCreated.Builder user = finnish(id);
        user.getNameBuilder().setTitle("Mr").setFirst("Brad").setLast("Gibson");
        user.setGender("male").setNat("US").setPhone("(272) 790-0888").setCell("(489) 330-2385").setEmail("brad.gibson@example.com");
        user.getLocationBuilder().setCountry("United States").setCity("Kilcoole").setState("Waterford").setPostcode("93027");
        return user;
    }
}
