package io.userstream.store;

import io.userstream.localstack.LocalStack;
import io.userstream.schema.serde.AvroSerializer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Real Kafka clients for tests: Avro and raw producers, and a check that the service consumed everything. */
public final class KafkaTestClients {

    public static final String GROUP = "user-store-service-it";
    /** The group reading users_dlq back (userstream.store.kafka.dead-letter-group-id in the ITs). */
    public static final String DEAD_LETTER_GROUP = "user-store-service-it-dead-letters";

    private KafkaTestClients() {
    }

    public static KafkaProducer<String, Object> avroProducer(LocalStack stack) {
        AvroSerializer<Object> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(config, new StringSerializer(), serializer);
    }

    /** Avro values in transactions, as the stream processor writes them (exactly_once_v2); call initTransactions() first. */
    public static KafkaProducer<String, Object> transactionalAvroProducer(LocalStack stack, String transactionalId) {
        AvroSerializer<Object> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(config, new StringSerializer(), serializer);
    }

    /** Raw bytes in transactions; call initTransactions() first. */
    public static KafkaProducer<String, byte[]> transactionalRawProducer(LocalStack stack, String transactionalId) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    public static KafkaProducer<String, byte[]> rawProducer(LocalStack stack) {
        return new KafkaProducer<>(stack.kafkaClientProperties(), new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Waits until the service's consumer group has committed up to the end of every partition of the topics
     * (past a trailing transaction marker too: the containers commit their position, see fixTxOffsets).
     */
    public static void awaitConsumed(LocalStack stack, Duration timeout, String... topics) throws Exception {
        awaitConsumedBy(GROUP, stack, timeout, topics);
    }

    /** Waits until the service's dead-letter reader has committed up to the end of users_dlq. */
    public static void awaitDeadLettersConsumed(LocalStack stack, Duration timeout) throws Exception {
        awaitConsumedBy(DEAD_LETTER_GROUP, stack, timeout, "users_dlq");
    }

    private static void awaitConsumedBy(String group, LocalStack stack, Duration timeout, String... topics) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        try (AdminClient admin = AdminClient.create(stack.kafkaClientProperties())) {
            while (true) {
                Set<TopicPartition> partitions = admin.describeTopics(Set.of(topics)).allTopicNames().get().values().stream()
                        .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                        .collect(Collectors.toSet());
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                        partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()))).all().get();
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                boolean done = ends.entrySet().stream().allMatch(end -> end.getValue().offset() == 0
                        || (committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue().offset()));
                if (done) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("Consumer group " + group + " did not catch up within " + timeout
                            + ": end offsets " + ends + ", committed " + committed);
                }
                Thread.sleep(200);
            }
        }
    }
}
