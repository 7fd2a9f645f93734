package io.userstream.processor.consume;

import java.util.Map;

import io.userstream.schema.UserCreated;
import io.userstream.schema.serde.AvroDeserializer;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Reads users_created values with our Avro deserializer and keeps the original bytes beside the
 * decoded user. Its exceptions (undecodable bytes, registry trouble) reach the Streams deserialization
 * exception handler unchanged. Writing gives back the original bytes.
 */
public class SourcedUserSerde implements Serde<SourcedUser> {

    private final AvroDeserializer<UserCreated> avro = new AvroDeserializer<>();

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        avro.configure(configs, isKey);
    }

    @Override
    public Serializer<SourcedUser> serializer() {
        return (topic, sourced) -> sourced == null ? null : sourced.originalBytes();
    }

    @Override
    public Deserializer<SourcedUser> deserializer() {
        return (topic, bytes) -> bytes == null ? null : new SourcedUser(bytes, avro.deserialize(topic, bytes));
    }
}
