package io.userstream.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ConfluentWireFormatTest {

    @Test
    void headerIsMagicByteThenSchemaIdBigEndian() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ConfluentWireFormat.writeHeader(out, 0x01020304);

        assertThat(out.toByteArray()).containsExactly(0x00, 0x01, 0x02, 0x03, 0x04);
    }

    @Test
    void schemaIdIsReadBackIncludingIdsAbove2Pow24() {
        for (int id : new int[] {0, 1, 255, 256, 0x00FF_FF00, 0x7FFF_FFFF}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ConfluentWireFormat.writeHeader(out, id);
            out.write(42);

            assertThat(ConfluentWireFormat.schemaId(out.toByteArray())).isEqualTo(id);
        }
    }

    @Test
    void otherFirstByteIsAnUnknownMagicByte() {
        byte[] json = "{\"email\":\"x\"}".getBytes();

        assertThatThrownBy(() -> ConfluentWireFormat.schemaId(json))
                .isInstanceOf(UnknownMagicByteException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown magic byte 0x7B")
                .satisfies(e -> assertThat(((UnknownMagicByteException) e).magicByte()).isEqualTo((byte) '{'));
    }

    @Test
    void magicByteWithoutFullIdIsMalformed() {
        assertThatThrownBy(() -> ConfluentWireFormat.schemaId(new byte[] {0, 0, 1}))
                .isInstanceOf(MalformedAvroPayloadException.class)
                .hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> ConfluentWireFormat.schemaId(new byte[0]))
                .isInstanceOf(MalformedAvroPayloadException.class)
                .hasMessageContaining("Empty");
    }
}
