package io.userstream.console.follow;

import java.nio.ByteBuffer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/** Skips the value: a tail that needs only keys and headers does not copy a record's bytes. */
public final class HeadersOnly implements Deserializer<Void> {

    @Override
    public Void deserialize(String topic, byte[] data) {
        return null;
    }

    @Override
    public Void deserialize(String topic, Headers headers, ByteBuffer data) {
        return null;
    }
}
