package io.userstream.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Map;

import io.userstream.schema.SampleRecords;
import io.userstream.schema.UserCreated;
import io.userstream.schema.UserStats;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroDeserializerTest {

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerializer<Object> serializer = new AvroSerializer<>(registry);

    @Test
    void specificReaderReturnsTheGeneratedClass() {
        UserCreated user = SampleRecords.userCreated();

        Object read = specificDeserializer().deserialize("users_created", serializer.serialize("users_created", user));

        assertThat(read).isInstanceOf(UserCreated.class).isEqualTo(user);
    }

    @Test
    void specificReaderHandlesNullableFieldsBeingNull() {
        UserCreated user = SampleRecords.userCreated();
        user.getNationalId().setValue(null);

        Object read = specificDeserializer().deserialize("users_created", serializer.serialize("users_created", user));

        assertThat(((UserCreated) read).getNationalId().getValue()).isNull();
        assertThat(read).isEqualTo(user);
    }

    @Test
    void genericReaderIsTheDefault() {
        UserCreated user = SampleRecords.userCreated();
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>(registry);

        Object read = deserializer.deserialize("users_created", serializer.serialize("users_created", user));

        assertThat(read).isInstanceOf(GenericData.Record.class);
        GenericRecord record = (GenericRecord) read;
        assertThat(record.get("email")).hasToString("lotta.heikkinen@example.com");
        assertThat(((GenericRecord) record.get("name")).get("last")).hasToString("Heikkinen");
        assertThat(((GenericRecord) record.get("login")).get("uuid")).hasToString("7a0eed16-9430-4d68-901f-c0d4c1c3bf00");
        assertThat(((GenericRecord) record.get("dob")).get("date")).isEqualTo(user.getDob().getDate().toEpochMilli());
    }

    @Test
    void specificReaderUsesTheClassSchemaSoWriterOnlyFieldsAreSkipped() {
        // A writer one version ahead of this consumer: UserStats plus a field the generated class lacks.
        Schema newerWriter = SchemaBuilder.record("UserStats").namespace("io.userstream.schema").fields()
                .name("windowStart").type(UserStats.getClassSchema().getField("windowStart").schema()).noDefault()
                .name("note").type().stringType().stringDefault("")
                .name("windowEnd").type(UserStats.getClassSchema().getField("windowEnd").schema()).noDefault()
                .name("dimension").type(UserStats.getClassSchema().getField("dimension").schema()).noDefault()
                .name("key").type().stringType().noDefault()
                .name("count").type().longType().noDefault()
                .endRecord();
        UserStats expected = SampleRecords.userStats();
        GenericRecord written = new GenericData.Record(newerWriter);
        written.put("windowStart", expected.getWindowStart().toEpochMilli());
        written.put("note", "from the future");
        written.put("windowEnd", expected.getWindowEnd().toEpochMilli());
        written.put("dimension", new GenericData.EnumSymbol(newerWriter.getField("dimension").schema(), "COUNTRY"));
        written.put("key", "Finland");
        written.put("count", 42L);

        Object read = specificDeserializer().deserialize("user_stats", serializer.serialize("user_stats", written));

        assertThat(read).isEqualTo(expected);
    }

    @Test
    void specificReaderWithoutAGeneratedClassSaysWhichIsMissing() {
        Schema unknown = SchemaBuilder.record("NotGenerated").namespace("io.userstream.test").fields().requiredInt("n").endRecord();
        GenericRecord record = new GenericData.Record(unknown);
        record.put("n", 1);
        byte[] bytes = serializer.serialize("t", record);

        assertThatThrownBy(() -> specificDeserializer().deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("io.userstream.test.NotGenerated");
        assertThat(new AvroDeserializer<>(registry).deserialize("t", bytes)).isEqualTo(record);
    }

    @Test
    void specificReaderRefusesASchemaNamingAClassThatIsNotAvroGenerated() {
        Schema gadget = SchemaBuilder.record("URL").namespace("java.net").fields().requiredString("spec").endRecord();
        GenericRecord record = new GenericData.Record(gadget);
        record.put("spec", "http://example.com");
        byte[] bytes = serializer.serialize("t", record);

        assertThatThrownBy(() -> specificDeserializer().deserialize("t", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("java.net.URL")
                .hasMessageContaining("not a trusted");
    }

    @Test
    void nullBytesAreATombstone() {
        assertThat(specificDeserializer().deserialize("users_created", null)).isNull();
    }

    @Test
    void bytesNotInWireFormatAreAnUnknownMagicByte() {
        byte[] json = "{\"email\":\"x\"}".getBytes();

        assertThatThrownBy(() -> specificDeserializer().deserialize("users_created", json))
                .isInstanceOf(UnknownMagicByteException.class)
                .hasMessageContaining("Unknown magic byte 0x7B");
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsAnUnknownSchemaId() {
        byte[] bytes = {0, 0, 0, 0x03, (byte) 0xE7, 2, 'x'};

        assertThatThrownBy(() -> specificDeserializer().deserialize("users_created", bytes))
                .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> assertThat(e.schemaId()).isEqualTo(999))
                .hasMessageContaining("999");
    }

    @Test
    void truncatedAvroBinaryIsMalformed() {
        byte[] bytes = serializer.serialize("users_created", SampleRecords.userCreated());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length / 2);

        assertThatThrownBy(() -> specificDeserializer().deserialize("users_created", truncated))
                .isInstanceOf(MalformedAvroPayloadException.class)
                .hasMessageContaining("schema id " + ConfluentWireFormat.schemaId(bytes))
                .hasMessageContaining("users_created");
    }

    private AvroDeserializer<Object> specificDeserializer() {
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>(registry);
        deserializer.configure(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, "true"), false);
        return deserializer;
    }
}
