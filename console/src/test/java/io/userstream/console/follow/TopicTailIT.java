package io.userstream.console.follow;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.console.PipelineFixtures;
import io.userstream.console.kafka.KafkaClients;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;

/** A tail whose handler dies (a class missing from the jar did) stops loudly: its failure and the console's health say so. */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY})
// Not the console's name: its Kafka principal may read only the pipeline's topics, and this test tails one of its own,
// so the context logs in as the stack's admin (@LocalServers gives any other application that login).
@SpringBootTest(properties = "spring.application.name=console-topic-tail-it")
class TopicTailIT {

    @Autowired
    KafkaClients kafka;

    @Test
    void aTailThatStopsMakesTheConsoleDown(LocalStack stack) throws Exception {
        String topic = "tail-test-" + UUID.randomUUID();
        kafka.admin().createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(stack.kafkaClientProperties(),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get();
        }
        TopicTail<byte[]> tail = new TopicTail<>(kafka, topic, new ByteArrayDeserializer(), records -> {
            throw new NoClassDefFoundError("simulated: a class missing from the jar");
        }).start();
        try {
            PipelineFixtures.await("the tail to stop", Duration.ofSeconds(30), () -> tail.failure() != null);
            var health = new TailsHealthIndicator(List.of(() -> tail)).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("reason").toString()).contains(topic, "simulated: a class missing from the jar");
        } finally {
            tail.close();
        }
    }
}
