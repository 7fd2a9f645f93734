package io.userstream.processor.deadletter;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.userstream.schema.serde.SchemaRegistryException;
import io.userstream.schema.serde.UndecodableRecordException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a record that cannot be deserialized to the dead-letter topic ({@code errors.dead.letter.queue.topic.name})
 * as its original key, value and headers plus the dlq.* headers, and lets processing continue. Kafka Streams
 * sends the dead-letter record through the task's producer, so with exactly_once_v2 it commits together with the
 * source offset: the bad record is neither lost nor dead-lettered twice.
 *
 * <p>Registry trouble is not the record's fault: the thread fails (and is replaced), so the record is retried.
 */
public class DeadLetteringDeserializationExceptionHandler implements DeserializationExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(DeadLetteringDeserializationExceptionHandler.class);

    private String deadLetterTopic;
    private String service;
    private final Clock clock = Clock.systemUTC();

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic == null || topic.toString().isBlank()) {
            throw new ConfigException(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topic,
                    getClass().getSimpleName() + " needs the dead-letter topic name");
        }
        this.deadLetterTopic = topic.toString();
        this.service = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        if (isRegistryTrouble(exception)) {
            log.error("Schema registry trouble while reading {}-{}@{}; failing so the record is retried",
                    record.topic(), record.partition(), record.offset(), exception);
            return Response.fail();
        }
        log.warn("Dead-lettering undecodable record {}-{}@{} to {}: {}",
                record.topic(), record.partition(), record.offset(), deadLetterTopic, exception.toString());
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, record.key(), record.value(),
                DeadLetterHeaders.with(record.headers(), DeadLetterHeaders.REASON_UNDECODABLE, exception.toString(),
                        DeadLetterHeaders.STAGE_DESERIALIZE, record.topic(), record.partition(), record.offset(),
                        clock.instant(), service))));
    }

    /** Registry trouble, unless it is the registry saying the record's schema id does not exist (undecodable). */
    private static boolean isRegistryTrouble(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof UndecodableRecordException) {
                return false;
            }
            if (t instanceof SchemaRegistryException) {
                return true;
            }
        }
        return false;
    }
}
