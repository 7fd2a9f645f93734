package io.userstream.ingest.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.schema.IngestSource;
import io.userstream.schema.UserCreated;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FakerUserSourceTest {

    private static final UUID RUN = UUID.randomUUID();
    private final FakerUserSource source = new FakerUserSource(Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC), false);

    @Test
    void theSameSeedGivesTheSameUsers() {
        List<UserCreated> first = users(source.generate(new PageSpec(RUN, "seed-1", 2, 100, 100, List.of())));
        List<UserCreated> again = users(new FakerUserSource(Clock.systemUTC(), false).generate(new PageSpec(RUN, "seed-1", 2, 100, 100, List.of())));

        assertThat(again).extracting(u -> u.getLogin().getUuid()).isEqualTo(first.stream().map(u -> u.getLogin().getUuid()).toList());
        assertThat(again).extracting(u -> u.getName().getLast() + u.getEmail() + u.getLocation().getCity())
                .isEqualTo(first.stream().map(u -> u.getName().getLast() + u.getEmail() + u.getLocation().getCity()).toList());
    }

    @Test
    void theLoginUuidDependsOnlyOnSeedAndIndex() {
        // index 150 is position 50 of page 2 with batches of 100, and position 0 of page 4 with batches of 50
        UserCreated a = users(source.generate(new PageSpec(RUN, "s", 2, 100, 100, List.of()))).get(50);
        UserCreated b = users(source.generate(new PageSpec(UUID.randomUUID(), "s", 4, 50, 50, List.of()))).get(0);

        assertThat(a.getLogin().getUuid()).isEqualTo(b.getLogin().getUuid()).isEqualTo(FakerUserSource.loginUuid("s", 150));
        assertThat(users(source.generate(new PageSpec(RUN, "other", 2, 100, 100, List.of()))).get(50).getLogin().getUuid())
                .isNotEqualTo(a.getLogin().getUuid());
    }

    @Test
    void usersAreDistinctAndComplete() {
        FetchedPage page = source.generate(new PageSpec(RUN, "x", 1, 1000, 1000, List.of("DE", "fr")));
        Set<UUID> keys = new HashSet<>();
        for (UserCreated user : users(page)) {
            keys.add(user.getLogin().getUuid());
            assertThat(user.getNat()).isIn("DE", "FR");
            assertThat(user.getLocation().getCountry()).isIn("Germany", "France");
            assertThat(user.getEmail()).endsWith("@example.com");
            assertThat(user.getIngestion().getSource()).isEqualTo(IngestSource.FAKER);
            assertThat(user.getIngestion().getRunId()).isEqualTo(RUN);
        }
        assertThat(keys).hasSize(1000);
    }

    @Test
    void theNationalIdentifierIsGeneratedOnlyWhenKeptAndChangesNothingElse() {
        PageSpec spec = new PageSpec(RUN, "national-id", 1, 100, 100, List.of());
        List<UserCreated> dropped = users(source.generate(spec));
        List<UserCreated> kept = users(new FakerUserSource(Clock.fixed(Instant.parse("2026-11-22T00:00:00Z"), ZoneOffset.UTC), true)
                .generate(spec));

        assertThat(dropped).allSatisfy(user -> assertThat(user.getNationalId()).isNull());
        assertThat(kept).allSatisfy(user -> assertThat(user.getNationalId().getValue()).matches("\\d{3}-\\d{2}-\\d{4}"));
        kept.forEach(user -> user.setNationalId(null));
        assertThat(kept).as("the same users but for their national identifiers").isEqualTo(dropped);
    }

    private static List<UserCreated> users(FetchedPage page) {
        return page.usable().stream().map(FetchedUser.Usable::user).toList();
    }
}
