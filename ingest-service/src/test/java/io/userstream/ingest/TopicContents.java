package io.userstream.ingest;

import io.userstream.localstack.LocalStack;
import io.userstream.schema.UserCreated;
import io.userstream.schema.serde.AvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Everything on a topic, read from the beginning to the end offsets of the moment: raw bytes and decoded. */
public record TopicContents(List<ConsumerRecord<String, byte[]>> records, List<UserCreated> users) {

    public static TopicContents read(LocalStack stack, String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put("key.deserializer", StringDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " up to " + end);
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        List<UserCreated> users = new ArrayList<>();
        try (AvroDeserializer<UserCreated> deserializer = new AvroDeserializer<>()) {
            deserializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl(), "specific.avro.reader", true), false);
            for (ConsumerRecord<String, byte[]> record : records) {
                users.add(deserializer.deserialize(topic, record.value()));
            }
        }
        return new TopicContents(records, users);
    }

    public Set<String> keys() {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }

    /** True if any record's value contains {@code text} as UTF-8 bytes (Avro writes strings that way). */
    public boolean anyValueContains(String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        return records.stream().anyMatch(record -> indexOf(record.value(), needle) >= 0);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
