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
import io.userstream.schema.topic.TopicLayout;
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
    private static final Duration FLUSH = Duration.ofSeconds(1);
    private static final Duration LATENESS_LIMIT = Duration.ofHours(24);
    private static final ProcessorProperties PROPERTIES = new ProcessorProperties(
            RETENTION, WINDOW, FLUSH, LATENESS_LIMIT, Duration.ofSeconds(10), Duration.ofMinutes(5),
            new ProcessorProperties.Health(Duration.ofSeconds(3), Duration.ofMinutes(10), 3));

    private static Map<String, Object> serdeConfigs;

    private TopologyTestDriver driver;
    private TestInputTopic<String, UserCreated> usersCreated;
    private TestInputTopic<String, byte[]> rawUsersCreated;
    private TestOutputTopic<String, UserProcessed> usersProcessed;
    private TestOutputTopic<String, byte[]> deadLetters;
    private TestOutputTopic<String, UserStats> userStats;
    private AvroSerializer<UserCreated> userCreatedSerializer;
    /** Processing time; fixed at NOW unless a test moves it (e.g. until a future date is no longer in the future). */
    private SettableClock clock;

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
                new UserProcessingTopology(PROPERTIES, TopicLayout.defaults(), serdeConfigs, clock = new SettableClock(NOW), "stream-processor-test").build(),
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

    /** Each with the exact dlq.error, which names the field and the rule, and the broken value it must not quote. */
    static Stream<Arguments> invalidUsers() {
        return Stream.of(
                invalid("missing-field", "name.first is empty", "  ", user -> user.setName(io.userstream.schema.Name.newBuilder(user.getName()).setFirst("  ").build())),
                invalid("missing-field", "email is empty", "", user -> user.setEmail("")),
                invalid("missing-field", "nat is empty", " ", user -> user.setNat(" ")),
                invalid("invalid-email", "email is not a valid address", "not-an-address", user -> user.setEmail("not-an-address")),
                invalid("invalid-email", "email is not a valid address", "a@b@example.com", user -> user.setEmail("a@b@example.com")),
                invalid("future-date", "dob.date is in the future", NOW.plusSeconds(1).toString(),
                        user -> user.setDob(io.userstream.schema.DatedAge.newBuilder(user.getDob()).setDate(NOW.plusSeconds(1)).build())),
                invalid("future-date", "registered.date is in the future", NOW.plusSeconds(60).toString(),
                        user -> user.setRegistered(io.userstream.schema.DatedAge.newBuilder(user.getRegistered()).setDate(NOW.plusSeconds(60)).build())),
                invalid("invalid-coordinates", "location.coordinates out of range: latitude -90..90, longitude -180..180", "90.5",
                        user -> user.getLocationBuilder().setCoordinates(new io.userstream.schema.Coordinates(90.5, 10.0))),
                invalid("invalid-coordinates", "location.coordinates out of range: latitude -90..90, longitude -180..180", "-180.1",
                        user -> user.getLocationBuilder().setCoordinates(new io.userstream.schema.Coordinates(10.0, -180.1))),
                invalid("invalid-coordinates", "location.coordinates out of range: latitude -90..90, longitude -180..180", "NaN",
                        user -> user.getLocationBuilder().setCoordinates(new io.userstream.schema.Coordinates(Double.NaN, 0.0))),
                invalid("unknown-nat", "nat is not an ISO 3166-1 alpha-2 code", "XX", user -> user.setNat("XX")));
    }

    private static Arguments invalid(String reason, String error, String brokenValue, java.util.function.Consumer<UserCreated.Builder> breakIt) {
        return Arguments.of(reason, error, brokenValue, breakIt);
    }

    @ParameterizedTest(name = "{0} ({1}) is dead-lettered")
    @MethodSource("invalidUsers")
    void invalidUserGoesToDeadLetterTopicWithReasonAndOriginalBytes(String reason, String error, String brokenValue,
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
        // The field and the rule, never the value: the error is stored and shown, the value can be personal data.
        assertThat(header(dead, "dlq.error")).isEqualTo(error);
        if (!brokenValue.isBlank()) {
            assertThat(header(dead, "dlq.error")).doesNotContain(brokenValue);
        }
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
        assertThat(header(dead, "dlq.error")).isEqualTo("record key is not login.uuid");
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
    void partialCountsOfSeveralWindowsInOneFlushAreAllCounted() {
        Instant window = NOW;
        for (int i = 0; i < 4; i++) {
            UUID id = UUID.randomUUID();
            usersCreated.pipeInput(id.toString(), (i % 2 == 0 ? Users.american(id) : Users.finnish(id)).build(), window.plusSeconds(i));
        }
        // Two windows later, before any flush: this user's partial must not make the first window's partials late.
        UUID later = UUID.randomUUID();
        usersCreated.pipeInput(later.toString(), Users.american(later).build(), window.plus(WINDOW.multipliedBy(2)).plusSeconds(10));
        driver.advanceWallClockTime(FLUSH);

        Map<String, Long> counts = latestCountsOfWindow(window);
        assertThat(counts).isEqualTo(Map.of(
                StatsDimension.COUNTRY + ":Finland", 2L,
                StatsDimension.COUNTRY + ":United States", 2L,
                StatsDimension.GENDER + ":female", 2L,
                StatsDimension.GENDER + ":male", 2L));
    }

    @Test
    void eachFlushEmitsTheCurrentTotalOfTheWindowUnderOneRecordKey() {
        for (int i = 0; i < 2; i++) {
            UUID id = UUID.randomUUID();
            usersCreated.pipeInput(id.toString(), Users.finnish(id).build(), NOW.plusSeconds(1 + i));
        }
        driver.advanceWallClockTime(FLUSH);
        assertThat(latestCountsOfWindow(NOW)).as("a running total, before the window ends").isEqualTo(Map.of(
                StatsDimension.COUNTRY + ":Finland", 2L,
                StatsDimension.GENDER + ":female", 2L));

        UUID third = UUID.randomUUID();
        usersCreated.pipeInput(third.toString(), Users.finnish(third).build(), NOW.plusSeconds(30));
        driver.advanceWallClockTime(FLUSH);

        assertThat(latestCountsOfWindow(NOW)).as("the later record of the same key supersedes").isEqualTo(Map.of(
                StatsDimension.COUNTRY + ":Finland", 3L,
                StatsDimension.GENDER + ":female", 3L));
    }

    @Test
    void backlogOfAWindowIsCountedAfterTheTaskWasIdleLongerThanTheWindow() {
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            usersCreated.pipeInput(id.toString(), (i == 0 ? Users.american(id) : Users.finnish(id)).build(), NOW.plusSeconds(5 + i));
        }
        // The task idles on the wall clock far past the window's end (e.g. its partition's producer or the broker is away).
        for (int second = 0; second < WINDOW.toSeconds() * 3; second++) {
            driver.advanceWallClockTime(FLUSH);
        }
        // Then users of that window arrive after all (a backlog replayed after a restart or an outage).
        for (int i = 0; i < 4; i++) {
            UUID id = UUID.randomUUID();
            usersCreated.pipeInput(id.toString(), (i == 0 ? Users.american(id) : Users.finnish(id)).build(), NOW.plusSeconds(10 + i));
        }
        driver.advanceWallClockTime(FLUSH);

        assertThat(latestCountsOfWindow(NOW)).isEqualTo(Map.of(
                StatsDimension.COUNTRY + ":Finland", 5L,
                StatsDimension.COUNTRY + ":United States", 2L,
                StatsDimension.GENDER + ":female", 5L,
                StatsDimension.GENDER + ":male", 2L));
        assertThat(usersProcessed.readValuesToList()).hasSize(7);
    }

    @Test
    void usersFarBehindTheNewestCountedUsersAreStillCounted() {
        // Another task is ahead: its users of a much later window were counted first.
        UUID ahead = UUID.randomUUID();
        usersCreated.pipeInput(ahead.toString(), Users.american(ahead).build(), NOW.plus(Duration.ofHours(2)));
        driver.advanceWallClockTime(FLUSH);
        // This task replays its backlog of two hours ago.
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            usersCreated.pipeInput(id.toString(), Users.finnish(id).build(), NOW.plusSeconds(i));
        }
        driver.advanceWallClockTime(FLUSH);

        assertThat(latestCountsOfWindow(NOW)).isEqualTo(Map.of(
                StatsDimension.COUNTRY + ":Finland", 3L,
                StatsDimension.GENDER + ":female", 3L));
        assertThat(latestCountsOfWindow(NOW.plus(Duration.ofHours(2)))).isEqualTo(Map.of(
                StatsDimension.COUNTRY + ":United States", 1L,
                StatsDimension.GENDER + ":male", 1L));
    }

    @Test
    void latestCountsOfAllWindowsAddUpToTheUsersEmittedWithoutDuplicatesOrInvalidUsers() {
        java.util.Random random = new java.util.Random(42);
        List<UUID> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // Timestamps over five windows, out of order, flushes in between.
            Instant at = NOW.plusMillis(random.nextInt((int) WINDOW.multipliedBy(5).toMillis()));
            boolean resend = !sent.isEmpty() && i % 7 == 0;
            UUID id = resend ? sent.get(random.nextInt(sent.size())) : UUID.randomUUID();
            UserCreated.Builder user = i % 3 == 0 ? Users.american(id) : Users.finnish(id);
            if (i % 11 == 0) {
                user.setEmail("no-at-sign"); // invalid: dead-lettered, not counted
            } else {
                sent.add(id);
            }
            usersCreated.pipeInput(id.toString(), user.build(), at);
            if (i % 40 == 0) {
                driver.advanceWallClockTime(FLUSH);
            }
        }
        driver.advanceWallClockTime(FLUSH);

        List<UserProcessed> emitted = usersProcessed.readValuesToList();
        assertThat(emitted).extracting(UserProcessed::getUserId).doesNotHaveDuplicates();
        Map<StatsDimension, Long> totals = new HashMap<>();
        latestStats().values().forEach(stats -> totals.merge(stats.getDimension(), stats.getCount(), Long::sum));
        assertThat(totals).isEqualTo(Map.of(StatsDimension.COUNTRY, (long) emitted.size(), StatsDimension.GENDER, (long) emitted.size()));
        assertThat(deadLetters.readValuesToList()).isNotEmpty();
    }

    @Test
    void usersLaterThanTheLatenessLimitAreNotCounted() {
        UUID newest = UUID.randomUUID();
        usersCreated.pipeInput(newest.toString(), Users.american(newest).build(), NOW.plus(LATENESS_LIMIT).plus(WINDOW));
        driver.advanceWallClockTime(FLUSH);
        UUID tooLate = UUID.randomUUID();
        usersCreated.pipeInput(tooLate.toString(), Users.finnish(tooLate).build(), NOW);
        driver.advanceWallClockTime(FLUSH);

        assertThat(latestCountsOfWindow(NOW)).as("the documented bound (Kafka Streams' dropped-records metric counts it)").isEmpty();
        assertThat(usersProcessed.readValuesToList()).hasSize(2);
    }

    /** The headers the console sets on a re-driven users_created record (issue 13's contract), plus the run id. */
    private static Headers redriveHeaders(int count, String originTopic, int originPartition, long originOffset) {
        Headers headers = new RecordHeaders();
        io.userstream.schema.RecordHeaders.put(headers, io.userstream.schema.RecordHeaders.RUN_ID, Users.RUN_ID.toString());
        io.userstream.schema.RecordHeaders.put(headers, io.userstream.schema.RecordHeaders.REDRIVE_ID, "6b1e2d5c-0d3f-4c5e-9a57-2f3c1b7e8a90");
        io.userstream.schema.RecordHeaders.put(headers, io.userstream.schema.RecordHeaders.REDRIVE_COUNT, Integer.toString(count));
        io.userstream.schema.RecordHeaders.put(headers, io.userstream.schema.RecordHeaders.REDRIVE_BY, "operator@example.com");
        io.userstream.schema.RecordHeaders.put(headers, io.userstream.schema.RecordHeaders.REDRIVE_ORIGIN_TOPIC, originTopic);
        io.userstream.schema.RecordHeaders.put(headers, io.userstream.schema.RecordHeaders.REDRIVE_ORIGIN_PARTITION, Integer.toString(originPartition));
        io.userstream.schema.RecordHeaders.put(headers, io.userstream.schema.RecordHeaders.REDRIVE_ORIGIN_OFFSET, Long.toString(originOffset));
        return headers;
    }

    private static final List<String> REDRIVE_HEADER_NAMES = List.of(io.userstream.schema.RecordHeaders.RUN_ID,
            io.userstream.schema.RecordHeaders.REDRIVE_ID, io.userstream.schema.RecordHeaders.REDRIVE_COUNT,
            io.userstream.schema.RecordHeaders.REDRIVE_BY, io.userstream.schema.RecordHeaders.REDRIVE_ORIGIN_TOPIC,
            io.userstream.schema.RecordHeaders.REDRIVE_ORIGIN_PARTITION, io.userstream.schema.RecordHeaders.REDRIVE_ORIGIN_OFFSET);

    @Test
    void runIdAndRedriveHeadersOfAnInputRecordArriveOnItsProcessedRecord() {
        UUID id = UUID.randomUUID();
        Headers headers = redriveHeaders(2, "users_created", 4, 123);
        rawUsersCreated.pipeInput(new TestRecord<>(id.toString(),
                userCreatedSerializer.serialize("users_created", Users.finnish(id).build()), headers, NOW));

        TestRecord<String, UserProcessed> out = usersProcessed.readRecord();
        assertThat(out.key()).isEqualTo(id.toString());
        for (String name : REDRIVE_HEADER_NAMES) {
            assertThat(header(out, name)).as(name).isEqualTo(io.userstream.schema.RecordHeaders.text(headers, name));
        }
        assertThat(out.headers().toArray()).as("no dlq.* header on a stored user")
                .noneMatch(h -> h.key().startsWith("dlq."));
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void redrivenRecordFailingValidationAgainKeepsItsRedriveHeadersWithFreshDeadLetterHeaders() {
        UUID id = UUID.randomUUID();
        byte[] original = userCreatedSerializer.serialize("users_created", Users.finnish(id).setEmail("no-at-sign").build());
        Headers ingested = io.userstream.schema.RecordHeaders.put(new RecordHeaders(),
                io.userstream.schema.RecordHeaders.RUN_ID, Users.RUN_ID.toString());
        rawUsersCreated.pipeInput(new TestRecord<>(id.toString(), original, ingested, NOW)); // offset 0: the first failure
        assertThat(header(deadLetters.readRecord(), "dlq.source.offset")).isEqualTo("0");

        clock.set(NOW.plusSeconds(90));
        Headers redriven = redriveHeaders(1, "users_created", 0, 0);
        // Should a re-driven record still carry the dlq.* headers of its earlier dead letter, they are replaced, not doubled.
        io.userstream.schema.RecordHeaders.put(redriven, "dlq.reason", "stale");
        io.userstream.schema.RecordHeaders.put(redriven, "dlq.source.offset", "0");
        rawUsersCreated.pipeInput(new TestRecord<>(id.toString(), original, redriven, NOW.plusSeconds(60))); // offset 1

        TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo(id.toString());
        assertThat(dead.value()).isEqualTo(original);
        for (String name : REDRIVE_HEADER_NAMES) {
            assertThat(header(dead, name)).as(name).isEqualTo(io.userstream.schema.RecordHeaders.text(redriven, name));
        }
        assertThat(header(dead, "dlq.reason")).isEqualTo("invalid-email");
        assertThat(header(dead, "dlq.stage")).isEqualTo("validate");
        assertThat(header(dead, "dlq.source.topic")).isEqualTo("users_created");
        assertThat(header(dead, "dlq.source.partition")).isEqualTo("0");
        assertThat(header(dead, "dlq.source.offset")).as("the re-driven record's own offset").isEqualTo("1");
        assertThat(Instant.parse(header(dead, "dlq.failed-at"))).isEqualTo(NOW.plusSeconds(90));
        for (String dlq : List.of("dlq.reason", "dlq.error", "dlq.stage", "dlq.source.topic", "dlq.source.partition",
                "dlq.source.offset", "dlq.failed-at", "dlq.service")) {
            assertThat(dead.headers().headers(dlq)).as(dlq).hasSize(1);
        }
        assertThat(usersProcessed.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void redrivenUserThatWasOnlyDeadLetteredPassesDeduplicationAndASecondRedriveIsDropped() {
        UUID id = UUID.randomUUID();
        // Registered a minute "in the future" by a source with a fast clock: dead-lettered now, valid once the minute has passed.
        byte[] original = userCreatedSerializer.serialize("users_created", Users.finnish(id)
                .setRegistered(io.userstream.schema.DatedAge.newBuilder(Users.finnish(id).getRegistered()).setDate(NOW.plusSeconds(60)).build()).build());
        rawUsersCreated.pipeInput(new TestRecord<>(id.toString(), original, new RecordHeaders(), NOW));
        assertThat(header(deadLetters.readRecord(), "dlq.reason")).isEqualTo("future-date");
        assertThat(usersProcessed.isEmpty()).isTrue();

        // Re-driven (same key and bytes, timestamp = re-drive time) after the date has passed: never seen by de-duplication.
        clock.set(NOW.plus(Duration.ofMinutes(5)));
        rawUsersCreated.pipeInput(new TestRecord<>(id.toString(), original, redriveHeaders(1, "users_created", 0, 0),
                NOW.plus(Duration.ofMinutes(5))));
        TestRecord<String, UserProcessed> stored = usersProcessed.readRecord();
        assertThat(stored.key()).isEqualTo(id.toString());
        assertThat(header(stored, io.userstream.schema.RecordHeaders.REDRIVE_COUNT)).isEqualTo("1");

        // Re-driven again (say two operators clicked): the user now passed de-duplication once, so this copy is dropped.
        clock.set(NOW.plus(Duration.ofMinutes(6)));
        rawUsersCreated.pipeInput(new TestRecord<>(id.toString(), original, redriveHeaders(2, "users_created", 0, 0),
                NOW.plus(Duration.ofMinutes(6))));
        assertThat(usersProcessed.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void everyStepIsNamedInTheTopologyDescription() {
        String description = new UserProcessingTopology(PROPERTIES, TopicLayout.defaults(), serdeConfigs, Clock.systemUTC(), "x").build().describe().toString();

        assertThat(description).contains("source-users-created", "validate", "dead-letter-invalid", "sink-users-dlq",
                "normalize-and-enrich", "deduplicate-by-user-id", "sink-users-processed", "count-per-dimension-in-task",
                "stats-by-dimension", "count-per-window", "window-totals", "to-user-stats", "sink-user-stats");
    }

    private final Map<String, UserStats> latest = new HashMap<>();

    /**
     * The latest user_stats record of each record key emitted so far: each carries its window's current
     * total and supersedes the earlier ones of its key, whose text is {@code DIMENSION|value|windowStart}.
     */
    private Map<String, UserStats> latestStats() {
        for (TestRecord<String, UserStats> record : userStats.readRecordsToList()) {
            UserStats stats = record.value();
            assertThat(record.key()).isEqualTo(stats.getDimension() + "|" + stats.getKey() + "|" + stats.getWindowStart());
            assertThat(stats.getWindowEnd()).isEqualTo(stats.getWindowStart().plus(WINDOW));
            latest.put(record.key(), stats);
        }
        return latest;
    }

    /** The latest counts of the window starting at {@code start}, by "DIMENSION:value". */
    private Map<String, Long> latestCountsOfWindow(Instant start) {
        Map<String, Long> counts = new HashMap<>();
        latestStats().values().stream()
                .filter(stats -> stats.getWindowStart().equals(start))
                .forEach(stats -> counts.put(stats.getDimension() + ":" + stats.getKey(), stats.getCount()));
        return counts;
    }

    /** A clock a test can move: validation ("not in the future"), processedAt and dlq.failed-at read it. */
    private static final class SettableClock extends Clock {

        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void set(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return Clock.fixed(now, zone);
        }
    }

    private static String header(TestRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        assertThat(header).as("header %s", key).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
