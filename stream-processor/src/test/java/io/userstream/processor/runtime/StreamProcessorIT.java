package io.userstream.processor.runtime;

import static io.userstream.processor.ProcessorInstances.header;
import static io.userstream.processor.ProcessorInstances.keyCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.processor.ProcessorInstances;
import io.userstream.processor.Users;
import io.userstream.schema.UserCreated;
import io.userstream.schema.serde.AvroSerializer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/** The application against the real broker and registry: exact outputs, a restart mid-stream, health and metrics. */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY})
class StreamProcessorIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void mixOfValidInvalidAndGarbageGivesExactOutputsAndARestartMidStreamLosesNothing(LocalStack stack) throws Exception {
        ProcessorInstances instances = new ProcessorInstances(stack, "it_" + Long.toHexString(System.nanoTime()));
        AvroSerializer<UserCreated> serializer = instances.userCreatedSerializer();
        Set<String> valid = new HashSet<>();
        Map<String, String> deadLetterReasons = new HashMap<>();

        try (ConfigurableApplicationContext app = instances.start("only");
             KafkaProducer<String, byte[]> producer = instances.producer()) {
            StreamsBuilderFactoryBean streams = app.getBean(StreamsBuilderFactoryBean.class);
            String port = app.getEnvironment().getProperty("local.server.port");
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.getKafkaStreams().state() == KafkaStreams.State.RUNNING);
            assertThat(get(stack, port, "/actuator/health")).contains("\"kafkaStreams\"").contains("RUNNING").contains("\"status\":\"UP\"");

            for (int round = 0; round < 2_000; round++) {
                if (round == 1_000) {
                    // Stop mid-stream: records produced so far are partly processed, the next ones arrive while it is down.
                    producer.flush();
                    streams.stop();
                    assertThat(get(stack, port, "/actuator/health")).contains("\"status\":\"DOWN\"");
                }
                if (round == 1_500) {
                    producer.flush();
                    streams.start();
                }
                UUID id = UUID.randomUUID();
                String key = id.toString();
                switch (round % 10) {
                    case 7 -> {
                        instances.send(producer, key, serializer.serialize(instances.topic("users_created"),
                                Users.finnish(id).setEmail("no-at-sign").build()));
                        deadLetterReasons.put(key, "invalid-email");
                    }
                    case 8 -> {
                        instances.send(producer, key, ProcessorInstances.garbage(round));
                        deadLetterReasons.put(key, "undecodable");
                    }
                    case 9 -> {
                        byte[] user = serializer.serialize(instances.topic("users_created"), Users.american(id).build());
                        instances.send(producer, key, user);
                        instances.send(producer, key, user); // re-sent: emitted once
                        valid.add(key);
                    }
                    default -> {
                        instances.send(producer, key, serializer.serialize(instances.topic("users_created"), Users.finnish(id).build()));
                        valid.add(key);
                    }
                }
            }
            producer.flush();
            instances.assertAllSent();

            List<ConsumerRecord<String, byte[]>> processed = instances.readCommitted(
                    instances.topic("users_processed"), valid.size(), Duration.ofSeconds(120));
            List<ConsumerRecord<String, byte[]>> deadLetters = instances.readCommitted(
                    instances.topic("users_dlq"), deadLetterReasons.size(), Duration.ofSeconds(60));

            Map<String, Integer> processedCounts = keyCounts(processed);
            assertThat(processedCounts.keySet()).isEqualTo(valid);
            assertThat(processedCounts.values()).as("each user emitted exactly once").allMatch(count -> count == 1);
            Map<String, String> reasons = new HashMap<>();
            deadLetters.forEach(record -> assertThat(reasons.put(record.key(), header(record, "dlq.reason")))
                    .as("dead-lettered once: %s", record.key()).isNull());
            assertThat(reasons).isEqualTo(deadLetterReasons);

            String prometheus = get(stack, port, "/actuator/prometheus");
            assertThat(prometheus).contains("kafka_stream_").contains("userstream_processor_stream_threads_replaced_total");
            // Without a login: the status only, no metrics.
            HttpResponse<String> anonymousHealth = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymousHealth.statusCode()).isEqualTo(200);
            assertThat(anonymousHealth.body()).contains("\"status\":\"UP\"").doesNotContain("components", "kafkaStreams");
            HttpResponse<String> anonymousMetrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymousMetrics.statusCode()).isEqualTo(401);
            assertThat(anonymousMetrics.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
    }

    /** As the stack's reader: health details and metrics are for API users only. */
    private static String get(LocalStack stack, String port, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", stack.apiLogins().reader().basicAuthorization()).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
