package io.userstream.schema.serde;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format records: fetches the writer schema by the id in the header, then
 * decodes to GenericRecord, or with {@code specific.avro.reader=true} to the generated class named
 * like the writer schema (using that class's schema as reader schema, so older writers resolve).
 * A drop-in for {@code io.confluent.kafka.serializers.KafkaAvroDeserializer}.
 */
public class AvroDeserializer<T> implements Deserializer<T> {

    private SchemaRegistryClient registry;
    private boolean specificAvroReader;
    private final Map<Integer, DatumReader<Object>> readersBySchemaId = new ConcurrentHashMap<>();

    /** For Kafka's reflective creation; {@link #configure} must set {@code schema.registry.url}. */
    public AvroDeserializer() {
    }

    /** With a shared or test client; {@link #configure} is then optional and needs no URL. */
    public AvroDeserializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = AvroSerdeConfig.parse(configs, registry == null);
        configure(config, registry != null ? registry : new SchemaRegistryClient(config.schemaRegistryUrl()));
    }

    /** Lets {@link AvroSerde} hand one client to both of its halves. */
    void configure(AvroSerdeConfig config, SchemaRegistryClient registry) {
        this.registry = registry;
        this.specificAvroReader = config.specificAvroReader();
        readersBySchemaId.clear();
    }

    /**
     * @return null for null bytes (a tombstone), else the decoded record
     * @throws UnknownMagicByteException     if the bytes are not in Confluent wire format
     * @throws UnknownSchemaIdException      if the registry does not know the header's schema id
     * @throws MalformedAvroPayloadException if the Avro binary is truncated or does not match the writer schema
     * @throws SchemaRegistryException       if the registry is unreachable or answers an error
     */
    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("AvroDeserializer is not configured: call configure() with "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " or construct it with a SchemaRegistryClient");
        }
        int schemaId = ConfluentWireFormat.schemaId(bytes);
        DatumReader<Object> reader = readersBySchemaId.computeIfAbsent(schemaId, id -> readerFor(registry.getById(id), id));
        try {
            return (T) reader.read(null, DecoderFactory.get().binaryDecoder(
                    bytes, ConfluentWireFormat.HEADER_SIZE, bytes.length - ConfluentWireFormat.HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new MalformedAvroPayloadException("Cannot decode " + (bytes.length - ConfluentWireFormat.HEADER_SIZE)
                    + " bytes from topic " + topic + " with schema id " + schemaId + ": " + e, e);
        }
    }

    private DatumReader<Object> readerFor(Schema writerSchema, int schemaId) {
        if (!specificAvroReader) {
            return new GenericDatumReader<>(writerSchema, writerSchema, GenericData.get());
        }
        AvroGeneratedClassTrust.install();
        Class<?> generated;
        try {
            generated = SpecificData.get().getClass(writerSchema);
        } catch (SecurityException e) {
            throw new SerializationException("Schema id " + schemaId + " names class " + writerSchema.getFullName()
                    + ", which is not a trusted Avro-generated class", e);
        }
        if (generated == null || !SpecificRecord.class.isAssignableFrom(generated)) {
            throw new SerializationException("specific.avro.reader is true but no generated SpecificRecord class "
                    + writerSchema.getFullName() + " (schema id " + schemaId + ") is on the classpath");
        }
        SpecificData model = SpecificData.getForClass(generated);
        return new SpecificDatumReader<>(writerSchema, model.getSchema(generated), model);
    }
}
