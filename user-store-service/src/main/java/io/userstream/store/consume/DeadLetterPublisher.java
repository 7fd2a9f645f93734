package io.userstream.store.consume;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.micrometer.core.instrument.MeterRegistry;
import io.userstream.schema.topic.TopicLayout;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends dead letters to the DLQ topic (original bytes and headers, reason in the project's
 * {@code dlq.*} headers, replacing any earlier ones) and waits until the broker has them, so the
 * batch's offsets are committed only then. The original headers matter: a re-driven user the store
 * refuses keeps its {@code redrive.*} headers, so its dead letter is recorded under its origin and
 * replaces the row of its earlier failure instead of counting a second dead letter.
 */
@Component
class DeadLetterPublisher {

    private final KafkaTemplate<String, byte[]> template;
    private final KafkaStoreProperties properties;
    private final MeterRegistry meters;
    private final String topic;

    DeadLetterPublisher(KafkaTemplate<String, byte[]> template, KafkaStoreProperties properties, TopicLayout topics, MeterRegistry meters) {
        this.template = template;
        this.properties = properties;
        this.meters = meters;
        this.topic = topics.deadLetter();
    }

    /** @throws KafkaException if the broker did not take every dead letter in time (the batch is retried) */
    void publish(List<DeadLetter> deadLetters) {
        if (deadLetters.isEmpty()) {
            return;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (DeadLetter deadLetter : deadLetters) {
            sends.add(template.send(toProducerRecord(deadLetter)));
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                    .get(properties.dlqSendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while sending dead letters", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("Could not send " + deadLetters.size() + " dead letters to " + topic, e);
        }
        for (DeadLetter deadLetter : deadLetters) {
            meters.counter("userstream.store.records.dead.lettered", "reason", deadLetter.reason()).increment();
        }
    }

    private ProducerRecord<String, byte[]> toProducerRecord(DeadLetter deadLetter) {
        var source = deadLetter.record();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, source.key(), source.value());
        Headers headers = record.headers();
        for (Header original : source.headers()) {
            if (!original.key().startsWith("dlq.")) {
                headers.add(original);
            }
        }
        header(headers, "dlq.reason", deadLetter.reason());
        header(headers, "dlq.error", deadLetter.error());
        header(headers, "dlq.stage", deadLetter.stage());
        header(headers, "dlq.source.topic", source.topic());
        header(headers, "dlq.source.partition", Integer.toString(source.partition()));
        header(headers, "dlq.source.offset", Long.toString(source.offset()));
        header(headers, "dlq.failed-at", Instant.now().toString());
        header(headers, "dlq.service", properties.serviceName());
        return record;
    }

    private static void header(Headers headers, String key, String value) {
        headers.add(key, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
