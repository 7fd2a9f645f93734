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
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import net.datafaker.Faker;
import reactor.core.publisher.Mono;

/**
 * Users generated offline by Datafaker in the shape randomuser.me gives. User {@code i} of a seed is
 * the same every time: its generator is re-seeded from (seed, i), and its login uuid is a name-based
 * uuid of (seed, i), so a replayed or resumed page publishes the same keys.
 */
public final class FakerUserSource implements UserSource {

    /** Like randomuser.me: every supported nationality when a run names none. */
    private static final List<String> DEFAULT_NATIONALITIES = Nationalities.SUPPORTED;
    private static final String[] OFFSETS = {"-10:00", "-8:00", "-5:00", "-3:00", "0:00", "+1:00", "+2:00", "+3:00",
            "+5:30", "+8:00", "+9:00", "+10:00", "+12:00"};
    private static final Instant EARLIEST_BIRTH = Instant.parse("1945-01-01T00:00:00Z");
    private static final Instant EARLIEST_REGISTRATION = Instant.parse("2002-01-01T00:00:00Z");
    private static final long BIRTH_SPAN_MS = Instant.parse("2007-01-01T00:00:00Z").toEpochMilli() - EARLIEST_BIRTH.toEpochMilli();
    private static final long REGISTRATION_SPAN_MS = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli()
            - EARLIEST_REGISTRATION.toEpochMilli();

    /** One Datafaker instance per thread: its Random is re-seeded for every user. */
    private final ThreadLocal<Generator> generators = ThreadLocal.withInitial(Generator::new);
    private final Clock clock;
    private final boolean keepNationalId;

    /** @param keepNationalId publish the generated national identifier; otherwise {@code nationalId} is null */
    public FakerUserSource(Clock clock, boolean keepNationalId) {
        this.clock = clock;
        this.keepNationalId = keepNationalId;
    }

    @Override
    public SourceKind kind() {
        return SourceKind.FAKER;
    }

    @Override
    public Mono<FetchedPage> fetch(PageSpec page) {
        return Mono.fromCallable(() -> generate(page));
    }

    FetchedPage generate(PageSpec page) {
        Instant fetchedAt = clock.instant();
        Generator generator = generators.get();
        List<String> nats = page.nationalities().isEmpty() ? DEFAULT_NATIONALITIES : page.nationalities();
        List<FetchedUser> users = new ArrayList<>(page.size());
        long seed = seedOf(page.seed());
        for (int position = 0; position < page.size(); position++) {
            long index = page.firstIndex() + position;
            users.add(new FetchedUser.Usable(position, generator.user(page, seed, index, nats, fetchedAt, keepNationalId)));
        }
        return new FetchedPage(page, users);
    }

    /** The login uuid of user {@code index} (from 0) of a run with {@code seed}. */
    public static UUID loginUuid(String seed, long index) {
        return UUID.nameUUIDFromBytes(("userstream-faker:" + seed + ":" + index).getBytes(StandardCharsets.UTF_8));
    }

    private static long seedOf(String seed) {
        long h = 1125899906842597L;
        for (int i = 0; i < seed.length(); i++) {
            h = 31 * h + seed.charAt(i);
        }
        return h;
    }

    private static final class Generator {
        private final Random random = new Random();
        private final Faker faker = new Faker(Locale.ENGLISH, random);

        UserCreated user(PageSpec page, long seed, long index, List<String> nats, Instant fetchedAt, boolean keepNationalId) {
            random.setSeed(seed * 0x9E3779B97F4A7C15L + index);
            boolean female = random.nextBoolean();
            String first = female ? faker.name().femaleFirstName() : faker.name().maleFirstName();
            String last = faker.name().lastName();
            String nat = nats.get(random.nextInt(nats.size())).toUpperCase(Locale.ROOT);
            Instant dob = EARLIEST_BIRTH.plusMillis((long) (random.nextDouble() * BIRTH_SPAN_MS));
            Instant registered = EARLIEST_REGISTRATION.plusMillis((long) (random.nextDouble() * REGISTRATION_SPAN_MS));
            int portrait = random.nextInt(100);
            String folder = female ? "women" : "men";
            String login = ascii(first) + ascii(last) + random.nextInt(1000);
            return UserCreated.newBuilder()
                    .setName(new Name(female ? (random.nextBoolean() ? "Ms" : "Mrs") : "Mr", first, last))
                    .setGender(female ? "female" : "male")
                    .setLocation(Location.newBuilder()
                            .setStreet(new Street(1 + random.nextInt(9999), faker.address().streetName()))
                            .setCity(faker.address().cityName())
                            .setState(faker.address().state())
                            .setCountry(new Locale("", nat).getDisplayCountry(Locale.ENGLISH))
                            .setPostcode(faker.address().zipCode())
                            .setCoordinates(new Coordinates(random.nextDouble() * 180 - 90, random.nextDouble() * 360 - 180))
                            .setTimezone(new Timezone(OFFSETS[random.nextInt(OFFSETS.length)], faker.address().timeZone()))
                            .build())
                    .setEmail(ascii(first) + "." + ascii(last) + "@example.com")
                    .setLogin(new Login(loginUuid(page.seed(), index), login))
                    .setDob(new DatedAge(dob, years(dob, fetchedAt)))
                    .setRegistered(new DatedAge(registered, years(registered, fetchedAt)))
                    .setPhone(faker.phoneNumber().phoneNumber())
                    .setCell(faker.phoneNumber().cellPhone())
                    // No draw comes after it: whether it is kept changes no other field of the user.
                    .setNationalId(keepNationalId ? new NationalId("SSN", "%03d-%02d-%04d".formatted(
                            1 + random.nextInt(899), 1 + random.nextInt(99), 1 + random.nextInt(9999))) : null)
                    .setPicture(new Picture(
                            "https://randomuser.me/api/portraits/" + folder + "/" + portrait + ".jpg",
                            "https://randomuser.me/api/portraits/med/" + folder + "/" + portrait + ".jpg",
                            "https://randomuser.me/api/portraits/thumb/" + folder + "/" + portrait + ".jpg"))
                    .setNat(nat)
                    .setIngestion(new IngestionMetadata(page.runId(), IngestSource.FAKER, fetchedAt))
                    .build();
        }

        private static int years(Instant from, Instant to) {
            return (int) ChronoUnit.YEARS.between(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC));
        }

        private static String ascii(String text) {
            StringBuilder out = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                char c = Character.toLowerCase(text.charAt(i));
                if (c >= 'a' && c <= 'z') {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }
}
