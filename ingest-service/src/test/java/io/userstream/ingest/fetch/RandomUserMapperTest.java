package io.userstream.ingest.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.userstream.schema.IngestSource;
import io.userstream.schema.UserCreated;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class RandomUserMapperTest {

    private static final UUID RUN = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final Instant FETCHED_AT = Instant.parse("2026-11-22T01:00:00Z");

    /** Keeps the national identifier, so its mapping is tested too; the default drops it (below). */
    private final RandomUserMapper mapper = new RandomUserMapper(true);
    private final JsonMapper json = JsonMapper.builder().build();
    private List<FetchedUser> users;

    @BeforeEach
    void mapFixture() throws IOException {
        users = mapper.mapPage(fixture("page-quirks.json"), page(6), FETCHED_AT);
    }

    @Test
    void mapsTheDocumentedShape() {
        UserCreated jennie = usable(0);
        assertThat(jennie.getName().getFirst()).isEqualTo("Jennie");
        assertThat(jennie.getName().getTitle()).isEqualTo("Miss");
        assertThat(jennie.getGender()).isEqualTo("female");
        assertThat(jennie.getLocation().getStreet().getNumber()).isEqualTo(8929);
        assertThat(jennie.getLocation().getCity()).isEqualTo("Billings");
        assertThat(jennie.getLocation().getCoordinates().getLatitude()).isEqualTo(-69.8246);
        assertThat(jennie.getLocation().getTimezone().getOffset()).isEqualTo("+9:30");
        assertThat(jennie.getLogin().getUuid()).isEqualTo(UUID.fromString("7a0eed16-9430-4d68-901f-c0d4c1c3bf00"));
        assertThat(jennie.getLogin().getUsername()).isEqualTo("yellowpeacock117");
        assertThat(jennie.getNationalId().getValue()).isEqualTo("405-88-3636");
        assertThat(jennie.getPicture().getThumbnail()).endsWith("/thumb/women/75.jpg");
        assertThat(jennie.getNat()).isEqualTo("US");
        assertThat(jennie.getIngestion().getRunId()).isEqualTo(RUN);
        assertThat(jennie.getIngestion().getSource()).isEqualTo(IngestSource.RANDOMUSER);
        assertThat(jennie.getIngestion().getFetchedAt()).isEqualTo(FETCHED_AT);
    }

    @Test
    void isoTimestampsWithMillisBecomeInstants() {
        UserCreated jennie = usable(0);
        assertThat(jennie.getDob().getDate()).isEqualTo(Instant.parse("1992-03-08T15:13:16.688Z"));
        assertThat(jennie.getDob().getAge()).isEqualTo(30);
        assertThat(jennie.getRegistered().getDate()).isEqualTo(Instant.parse("2007-07-09T05:51:59.390Z"));
    }

    @Test
    void postcodeIsTextWhetherSentAsNumberOrString() {
        assertThat(usable(0).getLocation().getPostcode()).isEqualTo("63104");
        assertThat(usable(1).getLocation().getPostcode()).isEqualTo("EC1A 1BB");
    }

    @Test
    void extraFieldsAreIgnored() {
        assertThat(usable(1).getName().getFirst()).isEqualTo("Harvey");
    }

    @Test
    void theNationalIdentifierIsDroppedUnlessKept() throws IOException {
        List<FetchedUser> dropped = new RandomUserMapper(false).mapPage(fixture("page-quirks.json"), page(6), FETCHED_AT);

        assertThat(dropped).hasSameSizeAs(users);
        for (int position = 0; position < users.size(); position++) {
            if (users.get(position) instanceof FetchedUser.Usable kept) {
                UserCreated user = ((FetchedUser.Usable) dropped.get(position)).user();
                assertThat(user.getNationalId()).isNull();
                user.setNationalId(kept.user().getNationalId());
                assertThat(user).as("the same user but for its national identifier").isEqualTo(kept.user());
            } else {
                assertThat(dropped.get(position)).isEqualTo(users.get(position));
            }
        }
    }

    @Test
    void nullIdValueAndNumericCoordinatesAreAccepted() {
        UserCreated ida = usable(2);
        assertThat(ida.getNationalId().getName()).isEqualTo("CPR");
        assertThat(ida.getNationalId().getValue()).isNull();
        assertThat(ida.getLocation().getCoordinates().getLongitude()).isEqualTo(10.2039);
    }

    @Test
    void unusableUsersAreKeptWithTheirReason() {
        assertThat(users).hasSize(6);
        assertThat(unusable(3).reason()).isEqualTo("missing field location.city");
        assertThat(unusable(4).reason()).isEqualTo("field dob.date is not an ISO-8601 instant");
        assertThat(unusable(5).reason()).isEqualTo("field login.uuid is not a UUID");
    }

    @Test
    void credentialsNeverReachTheRecord() {
        for (int position = 0; position < 3; position++) {
            String record = usable(position).toString();
            assertThat(record).doesNotContainIgnoringCase("password")
                    .doesNotContain("addison", "sld1yGtd", "ab54ac4c0be9480ae8fa5e9e2a5196a3", "secret");
        }
        assertThat(io.userstream.schema.Login.getClassSchema().getFields()).extracting(org.apache.avro.Schema.Field::name)
                .containsExactly("uuid", "username");
    }

    @Test
    void usersMissingFromAShortAnswerAreCountedAsFailed() throws IOException {
        List<FetchedUser> eight = mapper.mapPage(fixture("page-quirks.json"), page(8), FETCHED_AT);

        assertThat(eight).hasSize(8);
        assertThat(eight.subList(6, 8)).allSatisfy(user -> assertThat(user)
                .isInstanceOfSatisfying(FetchedUser.Unusable.class, u -> assertThat(u.reason()).contains("returned 6 of 8")));
    }

    @Test
    void aShorterLastPageTakesOnlyItsUsers() throws IOException {
        assertThat(mapper.mapPage(fixture("page-quirks.json"), page(2), FETCHED_AT)).hasSize(2);
    }

    @Test
    void aUserThatIsNotAnObjectIsUnusable() {
        FetchedUser user = mapper.mapUser(json.readTree("\"just a string\""), 0, RUN, FETCHED_AT);
        assertThat(user).isInstanceOfSatisfying(FetchedUser.Unusable.class, u -> assertThat(u.reason()).isEqualTo("not a JSON object"));
    }

    @Test
    void aWrongTypeNamesTheField() throws IOException {
        ObjectNode user = (ObjectNode) fixture("page-quirks.json").get("results").get(0).deepCopy();
        user.put("gender", 7);
        ((ObjectNode) user.get("location").get("street")).put("number", "12b");

        FetchedUser wrongGender = mapper.mapUser(user, 0, RUN, FETCHED_AT);
        assertThat(wrongGender).isInstanceOfSatisfying(FetchedUser.Unusable.class,
                u -> assertThat(u.reason()).isEqualTo("field gender is not a string"));
        user.put("gender", "female");
        assertThat(mapper.mapUser(user, 0, RUN, FETCHED_AT)).isInstanceOfSatisfying(FetchedUser.Unusable.class,
                u -> assertThat(u.reason()).startsWith("field location.street.number is not a whole number"));
    }

    @Test
    void aMissingObjectNamesIt() {
        FetchedUser mapped = mapper.mapUser(json.readTree("{\"gender\": \"female\"}"), 0, RUN, FETCHED_AT);
        assertThat(mapped).isInstanceOfSatisfying(FetchedUser.Unusable.class, u -> assertThat(u.reason()).isEqualTo("missing field name"));
    }

    @Test
    void aBodyWithoutResultsIsMalformed() {
        assertThatThrownBy(() -> mapper.mapPage(json.readTree("{\"error\": \"Uh oh, something has gone wrong\"}"), page(1), FETCHED_AT))
                .isInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("no results array");
    }

    private UserCreated usable(int position) {
        assertThat(users.get(position)).isInstanceOf(FetchedUser.Usable.class);
        return ((FetchedUser.Usable) users.get(position)).user();
    }

    private FetchedUser.Unusable unusable(int position) {
        assertThat(users.get(position)).isInstanceOf(FetchedUser.Unusable.class);
        return (FetchedUser.Unusable) users.get(position);
    }

    private static PageSpec page(int size) {
        return new PageSpec(RUN, "userstream", 1, 6, size, List.of());
    }

    private JsonNode fixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/randomuser/" + name)) {
            return json.readTree(in);
        }
    }
}
