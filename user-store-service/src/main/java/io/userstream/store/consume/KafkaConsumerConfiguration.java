package io.userstream.store.consume;

import io.userstream.schema.serde.AvroDeserializer;
import io.userstream.schema.serde.AvroSerdeConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import io.userstream.schema.topic.TopicLayout;
import io.userstream.schema.topic.TopicLayoutCheck;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.ExponentialBackOff;

/** The decoder, the topics, and the error handler that retries a failed batch until it is stored. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TopicLayout.class)
class KafkaConsumerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KafkaConsumerConfiguration.class);

    @Bean
    RecordDecoder recordDecoder(KafkaProperties kafka, TopicLayout topics) {
        Map<String, Object> config = new HashMap<>(kafka.getProperties());
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, true);
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>();
        deserializer.configure(config, false);
        return new RecordDecoder(deserializer, topics);
    }

    /**
     * Dead letters hold the original bytes of several types (UserCreated, UserProcessed, ...):
     * read generically, by field path, so no type needs to be known in advance.
     */
    @Bean
    DeadLetterDecoder deadLetterDecoder(KafkaProperties kafka) {
        Map<String, Object> config = new HashMap<>(kafka.getProperties());
        config.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, false);
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>();
        deserializer.configure(config, false);
        return new DeadLetterDecoder(deserializer);
    }

    /**
     * A batch listener's exception makes this handler pause the consumer (which keeps polling, so
     * the group does not evict it), wait, and hand the same records in again, with no end: a
     * Cassandra outage stalls consumption but loses nothing and never stops the consumer.
     * Nothing reaches the recoverer, since the back-off never runs out.
     */
    @Bean
    DefaultErrorHandler retryUntilStoredErrorHandler(KafkaStoreProperties properties) {
        ExponentialBackOff backOff = new ExponentialBackOff(properties.retryInitialInterval().toMillis(), properties.retryMultiplier());
        backOff.setMaxInterval(properties.retryMaxInterval().toMillis());
        backOff.setMaxElapsedTime(Long.MAX_VALUE);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, e) -> {
            throw new IllegalStateException("Retries of a batch ran out, which the back-off never allows", e);
        }, backOff);
        handler.setRetryListeners(new RetryListener() {
            @Override
            public void failedDelivery(ConsumerRecord<?, ?> record, Exception e, int attempt) {
                log.warn("Record {}-{}@{} not stored (attempt {}), retrying: {}", record.topic(), record.partition(),
                        record.offset(), attempt, rootMessage(e));
            }

            @Override
            public void failedDelivery(ConsumerRecords<?, ?> records, Exception e, int attempt) {
                log.warn("Batch of {} records not stored (attempt {}), retrying: {}", records.count(), attempt, rootMessage(e));
            }
        });
        return handler;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    /**
     * A transaction's commit marker takes an offset after its last record. Without this, a container commits
     * the offset after the last record it received, one short of the partition's end, so the group never
     * shows as caught up on a topic written in transactions; with it, an idle container commits its
     * position past the marker.
     */
    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> commitPastTransactionMarkers() {
        return container -> container.getContainerProperties().setFixTxOffsets(true);
    }

    /** The topics the service reads and writes, as userstream.topics lays them out: created when missing, checked before the listeners start. */
    @Bean
    TopicLayoutCheck topicLayoutCheck(KafkaAdmin admin, TopicLayout topics) {
        return new TopicLayoutCheck(admin.getConfigurationProperties(), topics.checkTimeout(),
                List.of(topics.usersProcessedTopic(), topics.userStatsTopic(), topics.deadLetterTopic()));
    }
}
