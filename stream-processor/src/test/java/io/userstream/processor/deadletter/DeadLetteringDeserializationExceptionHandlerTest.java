package io.userstream.processor.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.userstream.schema.serde.SchemaRegistryClient;
import io.userstream.schema.serde.SchemaRegistryException;
import io.userstream.schema.serde.UnknownMagicByteException;
import io.userstream.schema.serde.UnknownSchemaIdException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Response;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.junit.jupiter.api.Test;

/** Which deserialization failures are dead-lettered and which fail the thread (so the record is retried). */
class DeadLetteringDeserializationExceptionHandlerTest {

    private final DeadLetteringDeserializationExceptionHandler handler = new DeadLetteringDeserializationExceptionHandler();
    private final ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("users_created", 3, 42L,
            "key".getBytes(StandardCharsets.UTF_8), "junk".getBytes(StandardCharsets.UTF_8));

    DeadLetteringDeserializationExceptionHandlerTest() {
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "users_dlq",
                StreamsConfig.APPLICATION_ID_CONFIG, "stream-processor"));
    }

    @Test
    void undecodableRecordIsDeadLetteredAndProcessingResumes() {
        Response response = handler.handleError(null, record, new UnknownMagicByteException((byte) 'j'));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo("users_dlq");
        assertThat(dead.key()).isEqualTo(record.key());
        assertThat(dead.value()).isEqualTo(record.value());
        assertThat(new String(dead.headers().lastHeader("dlq.source.partition").value(), StandardCharsets.UTF_8)).isEqualTo("3");
        assertThat(new String(dead.headers().lastHeader("dlq.source.offset").value(), StandardCharsets.UTF_8)).isEqualTo("42");
        assertThat(new String(dead.headers().lastHeader("dlq.service").value(), StandardCharsets.UTF_8)).isEqualTo("stream-processor");
    }

    @Test
    void unreachableRegistryFailsSoTheRecordIsRetried() {
        SchemaRegistryException unreachable = catchThrowableOfType(SchemaRegistryException.class,
                () -> new SchemaRegistryClient("http://127.0.0.1:1", Duration.ofSeconds(2)).getById(1));

        Response response = handler.handleError(null, record, unreachable);

        assertThat(response.result()).isEqualTo(Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void unknownSchemaIdIsDeadLetteredThoughTheRegistryAnsweredIt() {
        SchemaRegistryException notFound = catchThrowableOfType(SchemaRegistryException.class,
                () -> new SchemaRegistryClient("http://127.0.0.1:1", Duration.ofSeconds(2)).getById(1));

        Response response = handler.handleError(null, record, new UnknownSchemaIdException(999, "http://registry", notFound));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
    }

    @Test
    void refusesToStartWithoutADeadLetterTopic() {
        assertThatThrownBy(() -> new DeadLetteringDeserializationExceptionHandler().configure(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    }
}
