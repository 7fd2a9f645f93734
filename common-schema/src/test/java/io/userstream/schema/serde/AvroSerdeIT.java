package io.userstream.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.schema.SampleRecords;
import io.userstream.schema.StatsDimension;
import io.userstream.schema.UserCreated;
import io.userstream.schema.UserStats;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The serde against a real Kafka broker and a real Confluent-API registry (Apicurio, global rule
 * BACKWARD). The servers are shared by every test class of the JVM: each test uses its own topics.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY})
class AvroSerdeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Map<String, Object> kafkaClientProperties;
    private static String registryUrl;

    @BeforeAll
    static void servers(LocalStack stack) {
        kafkaClientProperties = stack.kafkaClientProperties();
        registryUrl = stack.schemaRegistryUrl();
    }

    @Test
    void fullyPopulatedUserCreatedRoundTripsThroughTheBroker() throws Exception {
        String topic = newTopic("users_created");
        UserCreated user = SampleRecords.userCreated();

        produce(topic, new AvroSerializer<>(), user);
        UserCreated read = consumeOne(topic, new AvroDeserializer<UserCreated>(), Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, true));

        assertThat(read).isEqualTo(user);
        assertThat(read.getNationalId().getValue()).isEqualTo("NaNNA170undefined");
    }

    @Test
    void producedBytesStartWithMagicByteAndTheIdTheRegistryGaveTheSubject() throws Exception {
        String topic = newTopic("users_created");

        produce(topic, new AvroSerializer<>(), SampleRecords.userCreated());
        byte[] raw = consumeOne(topic, new ByteArrayDeserializer(), Map.of());

        SchemaRegistryClient direct = new SchemaRegistryClient(registryUrl);
        int id = direct.lookUpId(topic + "-value", UserCreated.getClassSchema());
        assertThat(raw[0]).isEqualTo(ConfluentWireFormat.MAGIC_BYTE);
        assertThat(Arrays.copyOfRange(raw, 1, 5)).containsExactly(
                (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id);
        assertThat(new SchemaRegistryClient(registryUrl).register(topic + "-value", UserCreated.getClassSchema())).isEqualTo(id);
        assertThat(new SchemaRegistryClient(registryUrl).getById(id)).isEqualTo(UserCreated.getClassSchema());
    }

    @Test
    void incompatibleNewVersionIsRefusedAndACompatibleOneGetsANewId() {
        String topic = "user_stats-" + UUID.randomUUID();
        AvroSerializer<Object> serializer = configured(new AvroSerializer<>(), Map.of());
        byte[] v1Bytes = serializer.serialize(topic, SampleRecords.userStats());
        int v1Id = ConfluentWireFormat.schemaId(v1Bytes);

        Schema withoutDefault = withRegionField(UserStats.getClassSchema(), null);
        assertThatThrownBy(() -> serializer.serialize(topic, statsRecord(withoutDefault)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.registryMessage()).isNotBlank();
                })
                .hasMessageContaining("409")
                .hasMessageContaining(registryUrl);

        Schema withDefault = withRegionField(UserStats.getClassSchema(), "unknown");
        byte[] v2Bytes = serializer.serialize(topic, statsRecord(withDefault));
        int v2Id = ConfluentWireFormat.schemaId(v2Bytes);
        assertThat(v2Id).isNotEqualTo(v1Id);

        // A consumer still on the generated v1 class reads the v2 record.
        AvroDeserializer<Object> v1Consumer = configured(new AvroDeserializer<>(), Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, true));
        assertThat(v1Consumer.deserialize(topic, v2Bytes)).isEqualTo(SampleRecords.userStats());
    }

    @Test
    void clientsRegisteringANewSubjectAtTheSameMomentAllGetItsId() throws Exception {
        // Stream threads and instances starting together race like this; Apicurio answers all but one with 409.
        for (int round = 0; round < 5; round++) {
            String subject = "users_processed-" + UUID.randomUUID() + "-value";
            ExecutorService clients = Executors.newFixedThreadPool(6);
            try {
                List<Future<Integer>> ids = new ArrayList<>();
                CountDownLatch start = new CountDownLatch(1);
                for (int client = 0; client < 6; client++) {
                    ids.add(clients.submit(() -> {
                        start.await();
                        return new SchemaRegistryClient(registryUrl).register(subject, UserCreated.getClassSchema());
                    }));
                }
                start.countDown();
                List<Integer> answered = new ArrayList<>();
                for (Future<Integer> id : ids) {
                    answered.add(id.get(30, TimeUnit.SECONDS));
                }
                int registered = new SchemaRegistryClient(registryUrl).lookUpId(subject, UserCreated.getClassSchema());
                assertThat(answered).containsOnly(registered);
            } finally {
                clients.shutdownNow();
            }
        }
    }

    @Test
    void unreachableRegistryFailsTheSendNamingTheUrl() throws Exception {
        String topic = newTopic("users_created");
        String deadUrl = "http://127.0.0.1:" + AvroSerdeTest.closedPort() + "/apis/ccompat/v7";
        AvroSerializer<UserCreated> serializer = new AvroSerializer<>();
        serializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, deadUrl), false);

        try (KafkaProducer<String, UserCreated> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), serializer)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", SampleRecords.userCreated())))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining(deadUrl);
        }
    }

    @Test
    void recordWithAnIdTheRegistryDoesNotKnowIsAnUnknownSchemaId() throws Exception {
        String topic = newTopic("users_created");
        int unknownId = 2_000_000_000 + (int) (Math.random() * 100_000_000);
        byte[] framed = {0, (byte) (unknownId >>> 24), (byte) (unknownId >>> 16), (byte) (unknownId >>> 8), (byte) unknownId, 2, 'x'};

        produce(topic, new ByteArraySerializer(), framed);

        assertThatThrownBy(() -> consumeOne(topic, new AvroDeserializer<UserCreated>(), Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, true)))
                .isInstanceOf(RecordDeserializationException.class)
                .cause()
                .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> assertThat(e.schemaId()).isEqualTo(unknownId))
                .hasMessageContaining(Integer.toString(unknownId));
    }

    @Test
    void registryIsAskedOncePerSchemaAndOncePerId() {
        String topic = "users_created-" + UUID.randomUUID();
        SchemaRegistryClient producerSide = new SchemaRegistryClient(registryUrl);
        AvroSerializer<Object> serializer = new AvroSerializer<>(producerSide);
        List<byte[]> written = new ArrayList<>();

        for (int i = 0; i < 50; i++) {
            written.add(serializer.serialize(topic, SampleRecords.userCreated()));
        }
        assertThat(producerSide.requestsSent()).isEqualTo(1);
        serializer.serialize("user_stats-" + topic, SampleRecords.userStats());
        serializer.serialize("other-" + topic, SampleRecords.userCreated());
        assertThat(producerSide.requestsSent()).isEqualTo(3);

        SchemaRegistryClient consumerSide = new SchemaRegistryClient(registryUrl);
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>(consumerSide);
        deserializer.configure(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
        for (byte[] bytes : written) {
            assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(SampleRecords.userCreated());
        }
        assertThat(consumerSide.requestsSent()).isEqualTo(1);
    }

    @Test
    void genericRecordRoundTripsThroughTheBroker() throws Exception {
        String topic = newTopic("probes");
        Schema probe = SchemaBuilder.record("Probe").namespace("io.userstream.it").fields()
                .requiredString("text")
                .requiredLong("number")
                .optionalString("maybe")
                .name("tags").type().array().items().stringType().noDefault()
                .endRecord();
        GenericRecord record = new GenericData.Record(probe);
        record.put("text", "hello");
        record.put("number", 7L);
        record.put("maybe", null);
        record.put("tags", List.of("a", "b"));

        produce(topic, new AvroSerializer<>(), record);
        GenericRecord read = consumeOne(topic, new AvroDeserializer<GenericRecord>(), Map.of());

        assertThat(read).isEqualTo(record);
        assertThat(read.getSchema()).isEqualTo(probe);
    }

    @Test
    void serdeWorksInAKafkaStreamsTopology() {
        String input = "users_created-" + UUID.randomUUID();
        String output = "user_stats-" + UUID.randomUUID();
        AvroSerde<UserCreated> userSerde = configured(new AvroSerde<>());
        AvroSerde<UserStats> statsSerde = configured(new AvroSerde<>());
        Instant window = Instant.parse("2026-11-21T10:15:00Z");
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), userSerde))
                .mapValues(user -> UserStats.newBuilder()
                        .setWindowStart(window).setWindowEnd(window.plusSeconds(60))
                        .setDimension(StatsDimension.COUNTRY).setKey(user.getLocation().getCountry()).setCount(1L)
                        .build())
                .to(output, Produced.with(Serdes.String(), statsSerde));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "avro-serde-it");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), config)) {
            TestInputTopic<String, UserCreated> in = driver.createInputTopic(input, new StringSerializer(), userSerde.serializer());
            TestOutputTopic<String, UserStats> out = driver.createOutputTopic(output, new StringDeserializer(), statsSerde.deserializer());
            in.pipeInput("7a0eed16", SampleRecords.userCreated());

            assertThat(out.readValue()).isEqualTo(UserStats.newBuilder()
                    .setWindowStart(window).setWindowEnd(window.plusSeconds(60))
                    .setDimension(StatsDimension.COUNTRY).setKey("Finland").setCount(1L).build());
        }
        assertThat(new SchemaRegistryClient(registryUrl).lookUpId(output + "-value", UserStats.getClassSchema())).isPositive();
    }

    private static <T> AvroSerde<T> configured(AvroSerde<T> serde) {
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl, AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
        return serde;
    }

    private static <S extends Serializer<?>> S configured(S serializer, Map<String, Object> extra) {
        serializer.configure(withUrl(extra), false);
        return serializer;
    }

    private static <D extends Deserializer<?>> D configured(D deserializer, Map<String, Object> extra) {
        deserializer.configure(withUrl(extra), false);
        return deserializer;
    }

    private static Map<String, Object> withUrl(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        return config;
    }

    /** UserStats plus a "region" string field, with the given default or (null) none. */
    private static Schema withRegionField(Schema stats, String defaultValue) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : stats.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(new Schema.Field("region", Schema.create(Schema.Type.STRING), "Added in a later version.", defaultValue));
        return Schema.createRecord(stats.getName(), stats.getDoc(), stats.getNamespace(), false, fields);
    }

    private static GenericRecord statsRecord(Schema schema) {
        UserStats stats = SampleRecords.userStats();
        GenericRecord record = new GenericData.Record(schema);
        record.put("windowStart", stats.getWindowStart().toEpochMilli());
        record.put("windowEnd", stats.getWindowEnd().toEpochMilli());
        record.put("dimension", new GenericData.EnumSymbol(schema.getField("dimension").schema(), stats.getDimension().name()));
        record.put("key", stats.getKey());
        record.put("count", stats.getCount());
        record.put("region", "EU");
        return record;
    }

    private static String newTopic(String prefix) throws Exception {
        String topic = prefix + "-" + UUID.randomUUID();
        try (Admin admin = Admin.create(kafkaClientProperties)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    private static Properties producerProperties() {
        Properties properties = new Properties();
        properties.putAll(kafkaClientProperties);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        return properties;
    }

    private static <V> void produce(String topic, Serializer<V> valueSerializer, V value) throws Exception {
        valueSerializer.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registryUrl), false);
        try (KafkaProducer<String, V> producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), valueSerializer)) {
            producer.send(new ProducerRecord<>(topic, "key", value)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static <V> V consumeOne(String topic, Deserializer<V> valueDeserializer, Map<String, Object> extra) {
        valueDeserializer.configure(withUrl(extra), false);
        Properties properties = new Properties();
        properties.putAll(kafkaClientProperties);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), valueDeserializer)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            Instant deadline = Instant.now().plus(TIMEOUT);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(500))) {
                    return record.value();
                }
            }
        }
        throw new AssertionError("No record on " + topic + " within " + TIMEOUT);
    }
}
