package io.userstream.console.redrive;

import io.userstream.console.api.InvalidRequestException;
import io.userstream.console.kafka.KafkaClients;
import io.userstream.schema.serde.ConfluentWireFormat;
import io.userstream.schema.serde.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.springframework.stereotype.Component;

/**
 * Corrected data for a re-drive: the dead letter's value decoded with its writer schema, the named fields set
 * ({@code login.username}, {@code registered.date} as an ISO instant, ...), and encoded again with the same schema
 * and schema id, so the processor reads it exactly as it read the original.
 */
@Component
class ValueCorrections {

    private final SchemaRegistryClient registry;

    ValueCorrections(KafkaClients kafka) {
        this.registry = new SchemaRegistryClient(kafka.schemaRegistryUrl());
    }

    byte[] apply(byte[] framed, Map<String, String> corrections) {
        if (framed == null || framed.length < ConfluentWireFormat.HEADER_SIZE || framed[0] != ConfluentWireFormat.MAGIC_BYTE) {
            throw new InvalidRequestException("corrections", "the dead letter's value is not a registry-encoded record: nothing to correct");
        }
        int id = ConfluentWireFormat.schemaId(framed);
        Schema schema = registry.getById(id);
        GenericRecord record;
        try {
            record = new GenericDatumReader<GenericRecord>(schema).read(null, DecoderFactory.get()
                    .binaryDecoder(framed, ConfluentWireFormat.HEADER_SIZE, framed.length - ConfluentWireFormat.HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new InvalidRequestException("corrections", "the dead letter's value does not decode with schema id " + id + ": " + e.getMessage());
        }
        corrections.forEach((path, value) -> set(record, path, value));
        if (!GenericData.get().validate(schema, record)) {
            throw new InvalidRequestException("corrections", "the corrected record does not fit schema id " + id);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(framed.length + 64);
        out.write(ConfluentWireFormat.MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(id).array());
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new IllegalStateException("encoding to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void set(GenericRecord root, String path, String text) {
        String[] names = path.split("\\.");
        GenericRecord record = root;
        for (int i = 0; i < names.length - 1; i++) {
            Object nested = field(record, path, names[i]) == null ? null : record.get(names[i]);
            if (!(nested instanceof GenericRecord next)) {
                throw new InvalidRequestException("corrections", path + ": " + names[i] + " is not a record");
            }
            record = next;
        }
        String name = names[names.length - 1];
        Schema.Field field = field(record, path, name);
        record.put(name, convert(path, field.schema(), text));
    }

    private static Schema.Field field(GenericRecord record, String path, String name) {
        Schema.Field field = record.getSchema().getField(name);
        if (field == null) {
            throw new InvalidRequestException("corrections", path + ": " + record.getSchema().getName() + " has no field " + name);
        }
        return field;
    }

    private static Object convert(String path, Schema schema, String text) {
        if (schema.getType() == Schema.Type.UNION) {
            if (text == null) {
                return null;
            }
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return convert(path, branch, text);
                }
            }
        }
        if (text == null) {
            throw new InvalidRequestException("corrections", path + " cannot be null");
        }
        LogicalType logical = schema.getLogicalType();
        try {
            switch (schema.getType()) {
                case STRING:
                    return text;
                case INT:
                    return Integer.parseInt(text);
                case LONG:
                    return logical instanceof LogicalTypes.TimestampMillis ? Instant.parse(text).toEpochMilli() : Long.parseLong(text);
                case DOUBLE:
                    return Double.parseDouble(text);
                case FLOAT:
                    return Float.parseFloat(text);
                case BOOLEAN:
                    return Boolean.parseBoolean(text);
                case ENUM:
                    if (!schema.getEnumSymbols().contains(text)) {
                        throw new InvalidRequestException("corrections", path + " must be one of " + schema.getEnumSymbols());
                    }
                    return new GenericData.EnumSymbol(schema, text);
                default:
                    throw new InvalidRequestException("corrections", path + " is a " + schema.getType() + ": only plain values can be corrected");
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new InvalidRequestException("corrections", path + ": '" + text + "' is not a " + schema.getType()
                    + (logical == null ? "" : " (" + logical.getName() + ", e.g. 2026-01-31T12:00:00Z)"));
        }
    }
}
