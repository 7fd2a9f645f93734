package io.userstream.schema.serde;

import java.io.ByteArrayOutputStream;

/**
 * Confluent's framing of a record: magic byte 0x00, the schema id as 4 bytes big-endian, then the
 * Avro binary encoding. Anything reading our topics with Confluent's deserializers depends on it.
 */
public final class ConfluentWireFormat {

    public static final byte MAGIC_BYTE = 0x0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 1 + Integer.BYTES;

    private ConfluentWireFormat() {
    }

    static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
    }

    /**
     * The schema id of a framed record.
     *
     * @throws UnknownMagicByteException     if the first byte is not 0x00 (not written by a registry-aware serializer)
     * @throws MalformedAvroPayloadException if the bytes are too short to hold the header
     */
    public static int schemaId(byte[] framed) {
        if (framed.length == 0) {
            throw new MalformedAvroPayloadException("Empty payload: no Confluent wire-format header");
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new UnknownMagicByteException(framed[0]);
        }
        if (framed.length < HEADER_SIZE) {
            throw new MalformedAvroPayloadException(
                    "Payload of " + framed.length + " bytes is shorter than the " + HEADER_SIZE + "-byte header");
        }
        return ((framed[1] & 0xFF) << 24) | ((framed[2] & 0xFF) << 16) | ((framed[3] & 0xFF) << 8) | (framed[4] & 0xFF);
    }
}
