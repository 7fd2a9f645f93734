package io.userstream.store.consume;

import io.userstream.schema.UserProcessed;
import io.userstream.schema.UserStats;
import io.userstream.schema.serde.AvroDeserializer;
import io.userstream.schema.serde.SchemaRegistryException;
import io.userstream.schema.serde.UndecodableRecordException;
import io.userstream.schema.topic.TopicLayout;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Turns the raw bytes of a record into the type its topic promises. The consumer reads bytes and
 * decodes here, so the original bytes are at hand for a dead letter.
 * {@link SchemaRegistryException} (registry unreachable) is not caught: the batch is retried.
 */
final class RecordDecoder {

    private final AvroDeserializer<Object> deserializer;
    private final TopicLayout topics;

    RecordDecoder(AvroDeserializer<Object> deserializer, TopicLayout topics) {
        this.deserializer = deserializer;
        this.topics = topics;
    }

    Decoded decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return new Decoded.Unreadable(record, "tombstone", "Record has no value; users are never deleted through this topic");
        }
        Object value;
        try {
            value = deserializer.deserialize(record.topic(), record.value());
        } catch (UndecodableRecordException e) {
            return new Decoded.Unreadable(record, "undecodable", e.getMessage());
        } catch (SchemaRegistryException e) {
            throw e;
        } catch (SerializationException e) {
            // e.g. a writer schema naming a class this service does not have
            return new Decoded.Unreadable(record, "undecodable", e.getMessage());
        }
        if (record.topic().equals(topics.usersProcessed()) && value instanceof UserProcessed user) {
            return new Decoded.User(user);
        }
        if (record.topic().equals(topics.userStats()) && value instanceof UserStats stats) {
            return new Decoded.Stats(stats);
        }
        return new Decoded.Unreadable(record, "unexpected-type", "Topic " + record.topic() + " carried a "
                + value.getClass().getSimpleName() + ", not the type its contract names");
    }
}
