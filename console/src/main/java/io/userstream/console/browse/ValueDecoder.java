package io.userstream.console.browse;

import io.userstream.schema.serde.ConfluentWireFormat;
import io.userstream.schema.serde.SchemaRegistryClient;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes a value in the Confluent wire format with the writer schema from the registry, to JSON (any schema
 * the registry knows, not only the pipeline's: the browser shows what is there).
 */
@Component
class ValueDecoder {

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final SchemaRegistryClient registry;

    ValueDecoder(io.userstream.console.kafka.KafkaClients kafka) {
        this.registry = new SchemaRegistryClient(kafka.schemaRegistryUrl());
    }

    Decoded decode(byte[] bytes) {
        if (bytes == null) {
            return new Decoded(null, null, null);
        }
        if (bytes.length < ConfluentWireFormat.HEADER_SIZE || bytes[0] != ConfluentWireFormat.MAGIC_BYTE) {
            return new Decoded(null, null, "not in the registry's wire format (first byte "
                    + (bytes.length == 0 ? "none" : String.format("0x%02x", bytes[0])) + ", " + bytes.length + " bytes)");
        }
        int id = ConfluentWireFormat.schemaId(bytes);
        Schema schema;
        try {
            schema = registry.getById(id);
        } catch (RuntimeException e) {
            return new Decoded(id, null, "schema id " + id + " could not be read from the registry: " + e.getMessage());
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, ConfluentWireFormat.HEADER_SIZE,
                    bytes.length - ConfluentWireFormat.HEADER_SIZE, null);
            Object datum = new GenericDatumReader<>(schema).read(null, decoder);
            String json = GenericData.get().toString(datum);
            try {
                return new Decoded(id, JSON.readTree(json), null);
            } catch (JacksonException e) {
                return new Decoded(id, json, null);
            }
        } catch (IOException | RuntimeException e) {
            return new Decoded(id, null, "does not decode with schema id " + id + ": " + e);
        }
    }

    record Decoded(Integer schemaId, Object value, String error) {
    }
}
