package io.userstream.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;

import io.userstream.schema.SampleRecords;
import io.userstream.schema.UserCreated;
import io.userstream.schema.UserStats;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerializerTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry(0x01020304);
    private final AvroSerializer<Object> serializer = new AvroSerializer<>(registry);

    @Test
    void framesTheRecordAsMagicByteSchemaIdAndAvroBinary() throws Exception {
        UserCreated user = SampleRecords.userCreated();

        byte[] bytes = serializer.serialize("users_created", user);

        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0x00, 0x01, 0x02, 0x03, 0x04);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(plainAvroBinary(user));
    }

    @Test
    void registersTheRecordSchemaUnderTheTopicNameStrategySubject() {
        serializer.serialize("users_created", SampleRecords.userCreated());
        AvroSerializer<Object> keySerializer = new AvroSerializer<>(registry);
        keySerializer.configure(Map.of(), true);
        keySerializer.serialize("user_stats", SampleRecords.userStats());

        assertThat(registry.registrations()).containsExactly(
                new InMemorySchemaRegistry.Registration("users_created-value", UserCreated.getClassSchema()),
                new InMemorySchemaRegistry.Registration("user_stats-key", UserStats.getClassSchema()));
    }

    @Test
    void nullIsATombstoneAndTouchesNoRegistry() {
        assertThat(serializer.serialize("users_created", null)).isNull();
        assertThat(registry.registrations()).isEmpty();
    }

    @Test
    void withoutAutoRegisterOnlyLooksUpTheId() {
        serializer.configure(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false), false);

        assertThatThrownBy(() -> serializer.serialize("user_stats", SampleRecords.userStats()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
        int id = registry.register("user_stats-value", UserStats.getClassSchema());

        byte[] bytes = serializer.serialize("user_stats", SampleRecords.userStats());

        assertThat(ConfluentWireFormat.schemaId(bytes)).isEqualTo(id);
        assertThat(registry.registrations()).hasSize(1);
    }

    @Test
    void genericRecordsAreWrittenWithTheirOwnSchema() {
        Schema probe = SchemaBuilder.record("Probe").namespace("io.userstream.test").fields()
                .requiredString("text").requiredLong("number").endRecord();
        GenericRecord record = new GenericData.Record(probe);
        record.put("text", "hi");
        record.put("number", 7L);

        byte[] bytes = serializer.serialize("probes", record);

        assertThat(registry.registrations()).containsExactly(new InMemorySchemaRegistry.Registration("probes-value", probe));
        // "hi" = length 2 zig-zag (0x04) + 2 bytes; 7 zig-zag = 0x0E
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).containsExactly(0x04, 'h', 'i', 0x0E);
    }

    @Test
    void aRecordThatDoesNotFitItsSchemaIsASerializationException() {
        Schema probe = SchemaBuilder.record("Probe").namespace("io.userstream.test").fields().requiredString("text").endRecord();
        GenericRecord missingText = new GenericData.Record(probe);

        assertThatThrownBy(() -> serializer.serialize("probes", missingText))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("io.userstream.test.Probe");
    }

    @Test
    void onlyAvroRecordsAreAccepted() {
        assertThatThrownBy(() -> serializer.serialize("users_created", "not a record"))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void theRegistrysRefusalReachesTheCaller() {
        registry.refuseWith(409, 409, "Incompatible schema");

        assertThatThrownBy(() -> serializer.serialize("user_stats", SampleRecords.userStats()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.registryMessage()).isEqualTo("Incompatible schema");
                });
    }

    @Test
    void unconfiguredSerializerSaysSo() {
        assertThatThrownBy(() -> new AvroSerializer<>().serialize("user_stats", SampleRecords.userStats()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("schema.registry.url");
    }

    private static byte[] plainAvroBinary(UserCreated user) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(UserCreated.class).write(user, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
