package io.userstream.schema.serde;

import java.util.Map;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AvroSerializer} and {@link AvroDeserializer} sharing one registry client, for Kafka Streams.
 * With {@code specific.avro.reader=true} it behaves like Confluent's {@code SpecificAvroSerde},
 * otherwise like its {@code GenericAvroSerde}.
 */
public class AvroSerde<T> implements Serde<T> {

    private final AvroSerializer<T> serializer = new AvroSerializer<>();
    private final AvroDeserializer<T> deserializer = new AvroDeserializer<>();
    private final SchemaRegistryClient givenRegistry;

    /** For Kafka Streams' reflective creation ({@code default.value.serde}); {@link #configure} sets the URL. */
    public AvroSerde() {
        this.givenRegistry = null;
    }

    /** With a shared or test client; {@link #configure} still sets isKey and the reader mode. */
    public AvroSerde(SchemaRegistryClient registry) {
        this.givenRegistry = registry;
        AvroSerdeConfig defaults = AvroSerdeConfig.parse(Map.of(), false);
        serializer.configure(defaults, false, registry);
        deserializer.configure(defaults, registry);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AvroSerdeConfig config = AvroSerdeConfig.parse(configs, givenRegistry == null);
        SchemaRegistryClient registry = givenRegistry != null
                ? givenRegistry : new SchemaRegistryClient(config.schemaRegistryUrl());
        serializer.configure(config, isKey, registry);
        deserializer.configure(config, registry);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
