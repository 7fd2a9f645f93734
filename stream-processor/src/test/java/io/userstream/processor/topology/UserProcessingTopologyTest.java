package io.userstream.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.processor.ProcessorProperties;
import io.userstream.processor.Users;
import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserCreated;
import io.userstream.schema.UserProcessed;
import io.userstream.schema.UserStats;
import io.userstream.schema.serde.AvroDeserializer;
import io.userstream.schema.serde.AvroSerdeConfig;
import io.userstream.schema.serde.AvroSerializer;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every branch of the topology, with the real schema registry behind our serde. */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY})
class UserProcessingTopologyTest {

    private static final Instant NOW = Instant.parse("2026-11-22T00:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(1);
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final Duration FLUSH = Duration.ofSeconds(1);
    private static final ProcessorProperties PROPERTIES = new ProcessorProperties(
            new ProcessorProperties.Topics("users_created", "users_processed", "user_stats", "users_dlq", 6, 1),
            RETENTION, WINDOW, FLUSH, GRACE, Duration.ofSeconds(10));

    private static Map<String, Object> serdeConfigs;

    private TopologyTestDriver driver;
    private TestInputTopic<String, UserCreated> usersCreated;
    private TestInputTopic<String, byte[]> rawUsersCreated;
    private TestOutputTopic<String, UserProcessed> usersProcessed;
    private TestOutputTopic<String, byte[]> deadLetters;
    private TestOutputTopic<String, UserStats> userStats;
    private AvroSerializer<UserCreated> userCreatedSerializer;

    @BeforeAll
    static void registry(LocalStack stack) {
        serdeConfigs = new HashMap<>();
        serdeConfigs.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl());
        serdeConfigs.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
    }

    @BeforeEach
    void startDriver() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "stream-processor-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        config.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                io.userstream.processor.deadletter.DeadLetteringDeserializationExceptionHandler.class.getName());
        config.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "users_dlq");
        config.put(StreamsConfig.STATE_DIR_CONFIG, "target/topology-test-state");
        driver = new TopologyTestDriver(
                new UserProcessingTopology(PROPERTIES, serdeConfigs, Clock.fixed(NOW, ZoneOffset.UTC), "stream-processor-test").build(),
                config, NOW);

        userCreatedSerializer = new AvroSerializer<>();
        userCreatedSerializer.configure(serdeConfigs, false);
        AvroDeserializer<UserProcessed> processedDeserializer = new AvroDeserializer<>();
        processedDeserializer.configure(serdeConfigs, false);
        AvroDeserializer<UserStats> statsDeserializer = new AvroDeserializer<>();
        statsDeserializer.configure(serdeConfigs, false);

        usersCreated = driver.createInputTopic("users_created", new StringSerializer(), userCreatedSerializer);
        rawUsersCreated = driver.createInputTopic("users_created", new StringSerializer(), new ByteArraySerializer());
        usersProcessed = driver.createOutputTopic("users_processed", new StringDeserializer(), processedDeserializer);
        deadLetters = driver.createOutputTopic("users_dlq", new StringDeserializer(), new ByteArrayDeserializer());
        userStats = driver.createOutputTopic("user_stats", new StringDeserializer(), statsDeserializer);
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void validUserIsNormalizedEnrichedAndKeyedByUserId() {
        UUID id = UUID.randomUUID();
        usersCreated.pipeInput(id.toString(), Users.finnish(id).build(), NOW);

        TestRecord<String, UserProcessed> out = usersProcessed.readRecord();
        UserProcessed user = out.value();
        assertThat(out.key()).isEqualTo(id.toString());
        assertThat(user.getUserId()).isEqualTo(id);
        assertThat(user.getName().getTitle()).isEqualTo("Ms");
        assertThat(user.getName().getFirst()).isEqualTo("Lotta");
        assertThat(user.getName().getLast()).isEqualTo("Heikkinen");
        assertThat(user.getGender()).isEqualTo("female");
        assertThat(user.getEmail()).isEqualTo("lotta.heikkinen@example.com");
        assertThat(user.getEmailDomain()).isEqualTo("example.com");
        assertThat(user.getUsername()).isEqualTo("brownbird213");
        assertThat(user.getPhone()).isEqualTo("+3583456789");
        assertThat(user.getCell()).isEqualTo("+358451234567");
        assertThat(user.getAddress()).isEqualTo("4715 Hämeenkatu, 55461 Keuruu, Kymenlaakso, Finland");
        assertThat(user.getPostcode()).isEqualTo("55461");
        assertThat(user.getCountry()).isEqualTo("Finland");
        assertThat(user.getCountryCode()).isEqualTo("FI");
        assertThat(user.getCoordinates().getLatitude()).isEqualTo(-44.3912);
        assertThat(user.getDateOfBirth()).isEqualTo(Instant.parse("1968-02-05T03:58:11.112Z"));
        assertThat(user.getAge()).as("age on %s, not the source's 57", NOW).isEqualTo(58);
        assertThat(user.getRegisteredAt()).isEqualTo(Instant.parse("2011-06-27T09:05:18.453Z"));
        assertThat(user.getIngestion().getRunId()).isEqualTo(Users.RUN_ID);
        assertThat(user.getIngestion().getFetchedAt()).isEqualTo(Users.FETCHED_AT);
        assertThat(user.getProcessedAt()).isEqualTo(NOW);
        assertThat(usersProcessed.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void phoneThatCannotBeParsedKeepsItsRawText() {
        UUID id = UUID.randomUUID();
        usersCreated.pipeInput(id.toString(), Users.american(id).setPhone("ask at the desk").build(), NOW);

        UserProcessed user = usersProcessed.readValue();
        assertThat(user.getPhone()).isEqualTo("ask at the desk");
        assertThat(user.getCell()).isEqualTo("+14893302385");
    }

    static Stream<Arguments> invalidUsers() {
        return Stream.of(
                invalid("missing-field", "name.first", user -> user.setName(io.userstream.schema.Name.newBuilder(user.getName()).setFirst("  ").build())),
                invalid("missing-field", "email", user -> user.setEmail("")),
                invalid("missing-field", "nat", user -> user.setNat(" ")),
                invalid("invalid-email", "not-an-address", user -> user.setEmail("not-an-address")),
                invalid("invalid-email", "a@b@example.com", user -> user.setEmail("a@b@example.com")),
                invalid("future-date", "dob.date", user -> user.setDob(io.userstream.schema.DatedAge.newBuilder(user.getDob()).setDate(NOW.plusSeconds(1)).build())),
                invalid("future-date", "registered.date", user -> user.setRegistered(io.userstream.schema.DatedAge.newBuilder(user.getRegistered()).setDate(NOW.plusSeconds(60)).build())),
                invalid("invalid-coordinates", "latitude", user -> user.getLocationBuilder().setCoordinates(new io.userstream.schema.Coordinates(90.5, 10.0))),
                invalid("invalid-coordinates", "longitude", user -> user.getLocationBuilder().setCoordinates(new io.userstream.schema.Coordinates(10.0, -180.1))),
                invalid("invalid-coordinates", "NaN", user -> user.getLocationBuilder().setCoordinates(new io.userstream.schema.Coordinates(Double.NaN, 0.0))),
                invalid("unknown-nat", "XX", user -> user.setNat("XX")));
    }

    private static Arguments invalid(String reason, String errorMentions, java.util.function.Consumer<UserCreated.Builder> breakIt) {
        return Arguments.of(reason, errorMentions, breakIt);
    }

    @ParameterizedTest(name = "{0} ({1}) is dead-lettered")
    @MethodSource("invalidUsers")
    void invalidUserGoesToDeadLetterTopicWithReasonAndOriginalBytes(String reason, String errorMentions,
                                                                     java.util.function.Consumer<UserCreated.Builder> breakIt) {
        UUID id = UUID.randomUUID();
        UserCreated.Builder builder = Users.finnish(id);
        breakIt.accept(builder);
        byte[] original = userCreatedSerializer.serialize("users_created", builder.build());
        Headers headers = new RecordHeaders().add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        rawUsersCreated.pipeInput(new TestRecord<>(id.toString(), original, headers, NOW));

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo(id.toString());
        assertThat(dead.value()).isEqualTo(original);
        assertThat(header(dead, "trace-id")).isEqualTo("abc");
        assertThat(header(dead, "dlq.reason")).isEqualTo(reason);
        assertThat(header(dead, "dlq.error")).contains(errorMentions);
        assertThat(header(dead, "dlq.stage")).isEqualTo("validate");
        assertThat(header(dead, "dlq.source.topic")).isEqualTo("users_created");
        assertThat(header(dead, "dlq.source.partition")).isEqualTo("0");
        assertThat(header(dead, "dlq.source.offset")).isEqualTo("0");
        assertThat(Instant.parse(header(dead, "dlq.failed-at"))).isEqualTo(NOW);
        assertThat(header(dead, "dlq.service")).isEqualTo("stream-processor-test");
        assertThat(usersProcessed.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void recordKeyedByAnotherIdIsDeadLetteredAsKeyMismatch() {
        UUID id = UUID.randomUUID();
        usersCreated.pipeInput("someone-else", Users.finnish(id).build(), NOW);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, "dlq.reason")).isEqualTo("key-mismatch");
        assertThat(header(dead, "dlq.error")).contains("someone-else").contains(id.toString());
        assertThat(usersProcessed.isEmpty()).isTrue();
    }

    @Test
    void tombstoneIsDeadLetteredAsMissingValue() {
        rawUsersCreated.pipeInput(new TestRecord<>("some-id", null, new RecordHeaders(), NOW));

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.value()).isNull();
        assertThat(header(dead, "dlq.reason")).isEqualTo("missing-value");
        assertThat(usersProcessed.isEmpty()).isTrue();
    }

    static Stream<Arguments> undecodableValues() {
        return Stream.of(
                Arguments.of("garbage bytes", "not avro at all".getBytes(StandardCharsets.UTF_8), "UnknownMagicByteException"),
                Arguments.of("unknown schema id", new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 4}, "UnknownSchemaIdException"),
                Arguments.of("truncated payload", new byte[] {0, 0, 0, 0, 0}, "Exception"));
    }

    @ParameterizedTest(name = "{0}: dead-lettered, processing continues")
    @MethodSource("undecodableValues")
    void undecodableRecordIsDeadLetteredWithOriginalBytesAndProcessingContinues(String what, byte[] value, String errorMentions) {
        byte[] bytes = value;
        if (what.equals("truncated payload")) {
            // A real schema id with a cut-off Avro body.
            byte[] valid = userCreatedSerializer.serialize("users_created", Users.finnish(UUID.randomUUID()).build());
            bytes = java.util.Arrays.copyOf(valid, 12);
        }
        Headers headers = new RecordHeaders().add("trace-id", "xyz".getBytes(StandardCharsets.UTF_8));
        rawUsersCreated.pipeInput(new TestRecord<>("bad-key", bytes, headers, NOW));
        UUID next = UUID.randomUUID();
        usersCreated.pipeInput(next.toString(), Users.finnish(next).build(), NOW);

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("bad-key");
        assertThat(dead.value()).isEqualTo(bytes);
        assertThat(header(dead, "trace-id")).isEqualTo("xyz");
        assertThat(header(dead, "dlq.reason")).isEqualTo("undecodable");
        assertThat(header(dead, "dlq.stage")).isEqualTo("deserialize");
        assertThat(header(dead, "dlq.error")).contains(errorMentions);
        assertThat(header(dead, "dlq.source.topic")).isEqualTo("users_created");
        assertThat(header(dead, "dlq.source.partition")).isEqualTo("0");
        assertThat(header(dead, "dlq.source.offset")).isEqualTo("0");
        assertThat(Instant.parse(header(dead, "dlq.failed-at"))).isNotNull();
        assertThat(header(dead, "dlq.service")).isEqualTo("stream-processor-test");
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(usersProcessed.readKeyValue().key).isEqualTo(next.toString());
    }

    @Test
    void duplicateWithinRetentionIsNotEmittedAgain() {
        UUID id = UUID.randomUUID();
        usersCreated.pipeInput(id.toString(), Users.finnish(id).build(), NOW);
        usersCreated.pipeInput(id.toString(), Users.finnish(id).build(), NOW); // replay
        usersCreated.pipeInput(id.toString(), Users.finnish(id).setEmail("new@example.com").build(), NOW.plus(RETENTION).minusSeconds(1));

        assertThat(usersProcessed.readValuesToList()).hasSize(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void userSentAgainAfterRetentionIsEmittedAgain() {
        UUID id = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        usersCreated.pipeInput(id.toString(), Users.finnish(id).build(), NOW);
        usersCreated.pipeInput(other.toString(), Users.finnish(other).build(), NOW.plus(RETENTION).plusSeconds(30));
        usersCreated.pipeInput(id.toString(), Users.finnish(id).setEmail("back@example.com").build(), NOW.plus(RETENTION).plusSeconds(31));

        List<UserProcessed> emitted = usersProcessed.readValuesToList();
        assertThat(emitted).extracting(UserProcessed::getEmail)
                .containsExactly("lotta.heikkinen@example.com", "lotta.heikkinen@example.com", "back@example.com");
    }

    @Test
    void windowCountsPerCountryAndGenderAreEmittedOnceWhenTheWindowCloses() {
        Instant window = NOW; // a minute boundary
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            usersCreated.pipeInput(id.toString(), Users.finnish(id).build(), window.plusSeconds(5 + i));
        }
        UUID american = UUID.randomUUID();
        usersCreated.pipeInput(american.toString(), Users.american(american).build(), window.plusSeconds(50));
        UUID duplicate = UUID.randomUUID();
        usersCreated.pipeInput(duplicate.toString(), Users.american(duplicate).build(), window.plusSeconds(51));
        usersCreated.pipeInput(duplicate.toString(), Users.american(duplicate).build(), window.plusSeconds(52)); // not new
        // In the next window but within the grace period: the first window stays open.
        UUID late = UUID.randomUUID();
        usersCreated.pipeInput(late.toString(), Users.finnish(late).build(), window.plus(WINDOW).plus(GRACE).minusMillis(1));
        driver.advanceWallClockTime(FLUSH);
        assertThat(userStats.isEmpty()).as("nothing before the window closes").isTrue();

        // Stream time passes end + grace: the first window closes once the partial counts are flushed.
        UUID closer = UUID.randomUUID();
        usersCreated.pipeInput(closer.toString(), Users.american(closer).build(), window.plus(WINDOW).plus(GRACE));
        assertThat(userStats.isEmpty()).as("nothing before the partial counts are flushed").isTrue();
        driver.advanceWallClockTime(FLUSH);

        Map<String, Long> counts = emittedCountsOfWindow(window);
        assertThat(counts).isEqualTo(Map.of(
                StatsDimension.COUNTRY + ":Finland", 3L,
                StatsDimension.COUNTRY + ":United States", 2L,
                StatsDimension.GENDER + ":female", 3L,
                StatsDimension.GENDER + ":male", 2L));
    }

    @Test
    void partialCountsOfSeveralWindowsInOneFlushAreAllCounted() {
        Instant window = NOW;
        for (int i = 0; i < 4; i++) {
            UUID id = UUID.randomUUID();
            usersCreated.pipeInput(id.toString(), (i % 2 == 0 ? Users.american(id) : Users.finnish(id)).build(), window.plusSeconds(i));
        }
        // Two windows later, before any flush: this user's partial must not make the first window's partials late.
        UUID later = UUID.randomUUID();
        usersCreated.pipeInput(later.toString(), Users.american(later).build(), window.plus(WINDOW.multipliedBy(2)).plus(GRACE));
        driver.advanceWallClockTime(FLUSH);

        Map<String, Long> counts = emittedCountsOfWindow(window);
        assertThat(counts).isEqualTo(Map.of(
                StatsDimension.COUNTRY + ":Finland", 2L,
                StatsDimension.COUNTRY + ":United States", 2L,
                StatsDimension.GENDER + ":female", 2L,
                StatsDimension.GENDER + ":male", 2L));
    }

    @Test
    void windowsOfTheLastUsersCloseOnceTheTaskIsIdleForTheGracePeriod() {
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            usersCreated.pipeInput(id.toString(), (i == 0 ? Users.american(id) : Users.finnish(id)).build(), NOW.plusSeconds(5 + i));
        }
        driver.advanceWallClockTime(GRACE.minusSeconds(1));
        assertThat(userStats.isEmpty()).as("idle for less than the grace period").isTrue();

        // No more users: once the window's end plus grace has passed on the wall clock, it closes anyway.
        for (int second = 0; second < WINDOW.plus(GRACE).toSeconds() + 2; second++) {
            driver.advanceWallClockTime(FLUSH);
        }

        Map<String, Long> counts = emittedCountsOfWindow(NOW);
        assertThat(counts).as("no empty windows either").isEqualTo(Map.of(
                StatsDimension.COUNTRY + ":Finland", 2L,
                StatsDimension.COUNTRY + ":United States", 1L,
                StatsDimension.GENDER + ":female", 2L,
                StatsDimension.GENDER + ":male", 1L));
    }

    @Test
    void everyStepIsNamedInTheTopologyDescription() {
        String description = new UserProcessingTopology(PROPERTIES, serdeConfigs, Clock.systemUTC(), "x").build().describe().toString();

        assertThat(description).contains("source-users-created", "validate", "dead-letter-invalid", "sink-users-dlq",
                "normalize-and-enrich", "deduplicate-by-user-id", "sink-users-processed", "count-per-dimension-in-task",
                "stats-by-dimension", "count-per-window", "suppress-until-window-closes", "skip-empty-windows", "to-user-stats", "sink-user-stats");
    }

    /** Counts emitted on user_stats so far, by "DIMENSION:value"; every one must be of the window starting at {@code start}. */
    private Map<String, Long> emittedCountsOfWindow(Instant start) {
        Map<String, Long> counts = new HashMap<>();
        for (UserStats stats : userStats.readValuesToList()) {
            assertThat(stats.getWindowStart()).isEqualTo(start);
            assertThat(stats.getWindowEnd()).isEqualTo(start.plus(WINDOW));
            assertThat(counts.put(stats.getDimension() + ":" + stats.getKey(), stats.getCount())).as("emitted once").isNull();
        }
        return counts;
    }

    private static String header(TestRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        assertThat(header).as("header %s", key).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
