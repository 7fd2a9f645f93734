package io.userstream.store.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserCreated;
import io.userstream.schema.UserProcessed;
import io.userstream.schema.UserStats;
import io.userstream.schema.serde.AvroDeserializer;
import io.userstream.schema.serde.AvroSerializer;
import io.userstream.schema.serde.SchemaRegistryClient;
import io.userstream.schema.serde.SchemaRegistryException;
import io.userstream.schema.serde.UnknownSchemaIdException;
import io.userstream.store.DeadLetters;
import io.userstream.store.TestUsers;
import io.userstream.store.write.RunDeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoding and mapping of dead letters with the project's real Avro serializer and deserializer;
 * only the registry is an in-memory map here (the ITs use the real one).
 */
class DeadLetterDecoderTest {

    private static final UUID RUN = UUID.fromString("3f2c6f0e-8d1b-4c4e-9a57-2b1f0c9d7e61");
    private static final UUID USER = UUID.fromString("0b6e8f7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b");

    private final InMemoryRegistry registry = new InMemoryRegistry();
    private final AvroSerializer<Object> serializer = new AvroSerializer<>(registry);
    private final DeadLetterDecoder generic = decoder(false);

    private DeadLetterDecoder decoder(boolean specific) {
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>(registry);
        deserializer.configure(Map.of("specific.avro.reader", specific), false);
        return new DeadLetterDecoder(deserializer);
    }

    @Test
    void userRejectedByValidationIsAttributedToItsRunWithTheLoginUuidAsUserId() {
        byte[] original = serializer.serialize("users_created", TestUsers.created(USER, RUN, "v"));
        DeadLetterAttribution attribution = generic.attribute(dlq(original, DeadLetters.headers("invalid-email", "validate",
                "email 'bob.v-at-example.org' is not an e-mail address", "users_created", 4, 1234,
                "2026-11-22T10:15:30.123Z", "stream-processor")));

        assertThat(attribution).isEqualTo(new DeadLetterAttribution.Attributed(new RunDeadLetter(RUN, "users_created", 4, 1234,
                USER, "invalid-email", "validate", "email 'bob.v-at-example.org' is not an e-mail address",
                Instant.parse("2026-11-22T10:15:30.123Z"), "stream-processor", 0, Instant.parse("2026-11-22T10:15:30.123Z"))));
    }

    @Test
    void userTheStoreCouldNotWriteIsAttributedToItsRunWithItsUserId() {
        byte[] original = serializer.serialize("users_processed",
                TestUsers.user(USER, RUN, "DE", "female", Instant.parse("2020-01-01T00:00:00Z"), "s"));
        DeadLetterAttribution attribution = generic.attribute(dlq(original, DeadLetters.headers("unwritable", "store",
                "Key length of 70000 is longer than maximum of 65535", "users_processed", 0, 7,
                "2026-11-22T10:15:31Z", "user-store-service")));

        assertThat(attribution).isEqualTo(new DeadLetterAttribution.Attributed(new RunDeadLetter(RUN, "users_processed", 0, 7,
                USER, "unwritable", "store", "Key length of 70000 is longer than maximum of 65535",
                Instant.parse("2026-11-22T10:15:31Z"), "user-store-service", 0, Instant.parse("2026-11-22T10:15:31Z"))));
    }

    @Test
    void deadLetterOfARedrivenRecordIsKeyedByItsOriginWithItsRedriveCount() {
        byte[] original = serializer.serialize("users_created", TestUsers.created(USER, RUN, "rd"));
        Map<String, String> headers = new java.util.HashMap<>(DeadLetters.headers("invalid-email", "validate", "still not an address",
                "users_created", 2, 5000, "2026-11-22T11:00:00Z", "stream-processor"));
        headers.putAll(DeadLetters.redriveHeaders(3, "users_created", 4, 1234));

        RunDeadLetter deadLetter = attributed(generic.attribute(dlq(original, headers)));

        assertThat(deadLetter.sourceTopic()).isEqualTo("users_created");
        assertThat(deadLetter.sourcePartition()).isEqualTo(4);
        assertThat(deadLetter.sourceOffset()).as("the first dead letter's source, not the re-driven copy's").isEqualTo(1234);
        assertThat(deadLetter.redriveCount()).isEqualTo(3);
        assertThat(deadLetter.error()).isEqualTo("still not an address");
        assertThat(deadLetter.writtenAt()).isEqualTo(Instant.parse("2026-11-22T11:00:00Z"));
    }

    @Test
    void incompleteRedriveOriginFallsBackToTheDeadLettersSource() {
        byte[] original = serializer.serialize("users_created", TestUsers.created(USER, RUN, "ro"));
        Map<String, String> headers = new java.util.HashMap<>(DeadLetters.headers("invalid-email", "validate", "e",
                "users_created", 2, 5000, "2026-11-22T11:00:00Z", "stream-processor"));
        headers.put("redrive.origin.topic", "users_created");
        headers.put("redrive.origin.offset", "not-a-number");
        headers.put("redrive.count", "many");

        RunDeadLetter deadLetter = attributed(generic.attribute(dlq(original, headers)));

        assertThat(deadLetter.sourcePartition()).isEqualTo(2);
        assertThat(deadLetter.sourceOffset()).isEqualTo(5000);
        assertThat(deadLetter.redriveCount()).isZero();
    }

    @Test
    void specificReaderAttributesTheSameWay() {
        byte[] created = serializer.serialize("users_created", TestUsers.created(USER, RUN, "x"));
        byte[] processed = serializer.serialize("users_processed",
                TestUsers.user(USER, RUN, "DE", "female", Instant.parse("2020-01-01T00:00:00Z"), "x"));
        DeadLetterDecoder specific = decoder(true);
        for (byte[] original : new byte[][] {created, processed}) {
            var headers = DeadLetters.headers("r", "validate", "e", "users_created", 1, 2, "2026-11-22T00:00:00Z", "s");
            assertThat(specific.attribute(dlq(original, headers))).isEqualTo(generic.attribute(dlq(original, headers)));
        }
    }

    @Test
    void undecodableReasonIsNotAttributedAndNotEvenDecoded() {
        byte[] original = serializer.serialize("users_created", TestUsers.created(USER, RUN, "u"));
        int lookUps = registry.lookUps.get();
        DeadLetterAttribution attribution = generic.attribute(dlq(original, DeadLetters.headers("undecodable", "deserialize",
                "UnknownMagicByteException", "users_created", 0, 1, "2026-11-22T00:00:00Z", "stream-processor")));

        assertThat(attribution).isInstanceOf(DeadLetterAttribution.Unattributable.class)
                .extracting(a -> ((DeadLetterAttribution.Unattributable) a).cause()).isEqualTo("undecodable");
        assertThat(registry.lookUps.get()).isEqualTo(lookUps);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not avro at all", "\u0000\u0000\u0000\u0000\u0063garbage", "\u0000\u0000\u0000\u0000"})
    void unreadableOriginalIsUndecodableWhateverTheReasonSays(String bytes) {
        // magic byte + schema id 99 the registry does not know; magic byte + truncated id
        assertThat(cause(generic.attribute(dlq(bytes.getBytes(StandardCharsets.ISO_8859_1), DeadLetters.headers("invalid-email",
                "validate", "e", "users_created", 0, 1, "2026-11-22T00:00:00Z", "stream-processor")))))
                .isEqualTo("undecodable");
    }

    @Test
    void truncatedAvroPayloadIsUndecodable() {
        byte[] original = serializer.serialize("users_created", TestUsers.created(USER, RUN, "t"));
        byte[] truncated = java.util.Arrays.copyOf(original, original.length / 2);
        assertThat(cause(generic.attribute(dlq(truncated, DeadLetters.headers("invalid-email", "validate", "e", "users_created", 0, 1,
                "2026-11-22T00:00:00Z", "stream-processor"))))).isEqualTo("undecodable");
    }

    @Test
    void valueWithoutRunIdIsNotAttributed() {
        byte[] stats = serializer.serialize("user_stats", UserStats.newBuilder().setWindowStart(Instant.parse("2026-11-22T00:00:00Z"))
                .setWindowEnd(Instant.parse("2026-11-22T00:01:00Z")).setDimension(StatsDimension.COUNTRY).setKey("Germany")
                .setCount(3).build());
        assertThat(cause(generic.attribute(dlq(stats, DeadLetters.headers("unwritable", "store", "e", "user_stats", 0, 1,
                "2026-11-22T00:00:00Z", "user-store-service"))))).isEqualTo("no-run-id");
    }

    @Test
    void deadLetterWithoutValueIsNotAttributed() {
        assertThat(cause(generic.attribute(dlq(null, DeadLetters.headers("missing-value", "validate", "e", "users_created", 0, 1,
                "2026-11-22T00:00:00Z", "stream-processor"))))).isEqualTo("no-value");
    }

    @Test
    void deadLetterWithoutSourceHeadersIsIdentifiedByItsOwnPlaceInTheDeadLetterTopic() {
        byte[] original = serializer.serialize("users_created", TestUsers.created(USER, RUN, "h"));
        RunDeadLetter deadLetter = attributed(generic.attribute(dlq(original, Map.of("dlq.reason", "invalid-email",
                "dlq.source.partition", "not-a-number", "dlq.failed-at", "yesterday"))));

        assertThat(deadLetter.sourceTopic()).isEqualTo("users_dlq");
        assertThat(deadLetter.sourcePartition()).isEqualTo(DLQ_PARTITION);
        assertThat(deadLetter.sourceOffset()).isEqualTo(DLQ_OFFSET);
        assertThat(deadLetter.reason()).isEqualTo("invalid-email");
        assertThat(deadLetter.failedAt()).isNull();
        assertThat(deadLetter.writtenAt()).as("the dead letter's own timestamp instead").isEqualTo(Instant.ofEpochMilli(DLQ_TIMESTAMP));
        assertThat(deadLetter.stage()).isNull();
        assertThat(deadLetter.service()).isNull();
        assertThat(deadLetter.userId()).isEqualTo(USER);
    }

    @Test
    void registryTroubleIsNotTheDeadLettersFaultAndFailsTheBatch() {
        byte[] original = serializer.serialize("users_created", TestUsers.created(USER, RUN, "r"));
        AvroDeserializer<Object> unreachable = new AvroDeserializer<>(new SchemaRegistryClient("http://127.0.0.1:1"));
        unreachable.configure(Map.of(), false);
        DeadLetterDecoder decoder = new DeadLetterDecoder(unreachable);
        assertThatThrownBy(() -> decoder.attribute(dlq(original, DeadLetters.headers("invalid-email", "validate", "e",
                "users_created", 0, 1, "2026-11-22T00:00:00Z", "stream-processor"))))
                .isInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void shardOfADeadLetterIsStableAndInRange() {
        int shard = io.userstream.store.schema.DataLayout.deadLetterShard("users_created", 3, 42);
        assertThat(shard).isBetween(0, io.userstream.store.schema.DataLayout.DEAD_LETTER_SHARDS - 1)
                .isEqualTo(io.userstream.store.schema.DataLayout.deadLetterShard("users_created", 3, 42));
    }

    private static final int DLQ_PARTITION = 5;
    private static final long DLQ_OFFSET = 99;
    private static final long DLQ_TIMESTAMP = 1_790_000_000_000L;

    private static ConsumerRecord<String, byte[]> dlq(byte[] value, Map<String, String> headers) {
        return new ConsumerRecord<>("users_dlq", DLQ_PARTITION, DLQ_OFFSET, DLQ_TIMESTAMP, TimestampType.CREATE_TIME, 0, 0, "key", value,
                DeadLetters.kafkaHeaders(headers), Optional.empty());
    }

    private static String cause(DeadLetterAttribution attribution) {
        assertThat(attribution).isInstanceOf(DeadLetterAttribution.Unattributable.class);
        return ((DeadLetterAttribution.Unattributable) attribution).cause();
    }

    private static RunDeadLetter attributed(DeadLetterAttribution attribution) {
        assertThat(attribution).isInstanceOf(DeadLetterAttribution.Attributed.class);
        return ((DeadLetterAttribution.Attributed) attribution).deadLetter();
    }

    /** The registry's two calls the serde makes, kept in memory. */
    private static final class InMemoryRegistry extends SchemaRegistryClient {

        private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
        private final Map<Schema, Integer> ids = new ConcurrentHashMap<>();
        private final AtomicInteger lookUps = new AtomicInteger();

        InMemoryRegistry() {
            super("http://registry.invalid");
        }

        @Override
        public int register(String subject, Schema schema) {
            return ids.computeIfAbsent(schema, s -> {
                int id = ids.size() + 1;
                schemas.put(id, s);
                return id;
            });
        }

        @Override
        public Schema getById(int id) {
            lookUps.incrementAndGet();
            Schema schema = schemas.get(id);
            if (schema == null) {
                throw new UnknownSchemaIdException(id, baseUrl(), null);
            }
            return schema;
        }
    }
}
