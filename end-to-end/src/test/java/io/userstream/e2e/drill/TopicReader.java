package io.userstream.e2e.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads topics as a committed-only consumer would, from given offsets to their current end: what a drill's run left there. */
final class TopicReader {

    private final Map<String, Object> clientProperties;

    /** {@code clientProperties}: {@code bootstrap.servers} and a login ({@code LocalStack.kafkaClientProperties()}). */
    TopicReader(Map<String, Object> clientProperties) {
        this.clientProperties = Map.copyOf(clientProperties);
    }

    /** The current end offset of each partition of {@code topic}: where the next drill's records begin. */
    Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            return consumer.endOffsets(partitions(consumer, topic));
        }
    }

    /** The offset of each partition's first record at or after {@code time} (its end if there is none). */
    Map<TopicPartition, Long> offsetsAt(String topic, java.time.Instant time) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> offsets = new java.util.HashMap<>();
            consumer.offsetsForTimes(partitions.stream().collect(Collectors.toMap(p -> p, p -> time.toEpochMilli())))
                    .forEach((partition, found) -> offsets.put(partition, found == null ? end.get(partition) : found.offset()));
            return offsets;
        }
    }

    /** Every committed record from {@code from} (a partition missing there: from its beginning) to the current end. */
    List<ConsumerRecord<String, byte[]>> readFrom(String topic, Map<TopicPartition, Long> from) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
            partitions.forEach(partition -> consumer.seek(partition, from.getOrDefault(partition, beginning.get(partition))));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties config = new Properties();
        config.putAll(clientProperties);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(info -> new TopicPartition(topic, info.partition()))
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition())).collect(Collectors.toList());
    }
}
