package io.userstream.store.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.schema.UserProcessed;
import io.userstream.store.TestUsers;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UserRowKeysTest {

    private static final UUID USER = UUID.fromString("3f2c6f0e-8d1b-4c4e-9a57-2b1f0c9d7e61");
    private static final UUID RUN = UUID.fromString("00000000-0000-4000-8000-000000000014");

    @Test
    void keysOfARecordAreNormalizedAsTheWriterStoresThem() {
        UserProcessed user = TestUsers.user(USER, RUN, "de", "female", Instant.parse("2021-12-31T23:59:59Z"), "Keys");
        user.setEmail("Ada.Keys@Example.ORG");

        UserRowKeys keys = UserRowKeys.of(user);

        // The erasure deletes by these keys; any other spelling would delete nothing and leave the rows.
        assertThat(keys).isEqualTo(new UserRowKeys(USER, "DE", Instant.parse("2021-12-31T23:59:59Z"), "ada.keys@example.org",
                "ada_Keys", RUN));
    }

    @Test
    void missingValuesStayNullSoTheirRowsAreLeftOut() {
        UserProcessed user = TestUsers.user(USER, RUN, "DE", "female", Instant.parse("2021-01-01T00:00:00Z"), "x");
        user.setCountryCode(null);
        user.setEmail(null);
        user.setIngestion(null);

        UserRowKeys keys = UserRowKeys.of(user);

        assertThat(keys.countryCode()).isNull();
        assertThat(keys.email()).isNull();
        assertThat(keys.runId()).isNull();
        assertThat(keys.username()).isEqualTo("ada_x");
    }
}
