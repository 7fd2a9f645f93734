package io.userstream.schema.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated SpecificRecord classes or GenericRecord) in Confluent's wire format,
 * registering the record's schema under {@code <topic>-value} (or {@code -key}). A drop-in for
 * {@code io.confluent.kafka.serializers.KafkaAvroSerializer} with the keys of {@link AvroSerdeConfig}.
 */
public class AvroSerializer<T> implements Serializer<T> {

    private SchemaRegistryClient registry;
    private boolean isKey;
    private boolean autoRegisterSchemas = true;
    private final Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    /** Specific and generic records of one schema need different writers (logical-type conversions). */
    private record WriterKey(Class<?> recordClass, Schema schema) {
    }

    /** For Kafka's reflective creation; {@link #configure} must set {@code schema.registry.url}. */
    public AvroSerializer() {
    }

    /** With a shared or test client; {@link #configure} is then optional and needs no URL. */
    public AvroSerializer(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = AvroSerdeConfig.parse(configs, registry == null);
        configure(config, isKey, registry != null ? registry : new SchemaRegistryClient(config.schemaRegistryUrl()));
    }

    /** Lets {@link AvroSerde} hand one client to both of its halves. */
    void configure(AvroSerdeConfig config, boolean isKey, SchemaRegistryClient registry) {
        this.registry = registry;
        this.isKey = isKey;
        this.autoRegisterSchemas = config.autoRegisterSchemas();
    }

    /**
     * @return null for null (a tombstone), else 0x00, the 4-byte schema id and the Avro binary
     * @throws SchemaRegistryException if the registry is unreachable or refuses the schema (e.g. HTTP 409)
     * @throws SerializationException  if {@code data} is not an Avro record or does not fit its schema
     */
    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof IndexedRecord record)) {
            throw new SerializationException("AvroSerializer writes Avro records (SpecificRecord or GenericRecord), not "
                    + data.getClass().getName());
        }
        if (registry == null) {
            throw new IllegalStateException("AvroSerializer is not configured: call configure() with "
                    + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " or construct it with a SchemaRegistryClient");
        }
        Schema schema = record.getSchema();
        String subject = TopicNameStrategy.subjectName(topic, isKey);
        int schemaId = autoRegisterSchemas ? registry.register(subject, schema) : registry.lookUpId(subject, schema);

        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        ConfluentWireFormat.writeHeader(out, schemaId);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writerFor(record).write(record, encoder);
            encoder.flush();
        } catch (IOException | AvroRuntimeException | ClassCastException | NullPointerException e) {
            // Avro reports a value that does not fit the schema (e.g. null in a non-null field) this way.
            throw new SerializationException("Cannot serialize " + schema.getFullName() + " for subject " + subject
                    + " (schema id " + schemaId + "): " + e, e);
        }
        return out.toByteArray();
    }

    private DatumWriter<Object> writerFor(IndexedRecord record) {
        return writers.computeIfAbsent(new WriterKey(record.getClass(), record.getSchema()), key ->
                record instanceof SpecificRecord
                        // The generated class's model knows its logical types (Instant, UUID).
                        ? new SpecificDatumWriter<>(key.schema(), SpecificData.getForClass(key.recordClass()))
                        : new GenericDatumWriter<>(key.schema(), GenericData.get()));
    }
}
