package io.userstream.schema.serde;

/** The first byte is not Confluent's magic byte 0x00: the record was not written by a registry-aware serializer. */
public final class UnknownMagicByteException extends UndecodableRecordException {

    private final byte magicByte;

    public UnknownMagicByteException(byte magicByte) {
        super(String.format("Unknown magic byte 0x%02X: not in Confluent wire format (expected 0x00)", magicByte), null);
        this.magicByte = magicByte;
    }

    public byte magicByte() {
        return magicByte;
    }
}
