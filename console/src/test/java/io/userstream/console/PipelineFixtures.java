package io.userstream.console;

import io.userstream.localstack.LocalStack;
import io.userstream.schema.DatedAge;
import io.userstream.schema.IngestionMetadata;
import io.userstream.schema.Login;
import io.userstream.schema.UserCreated;
import io.userstream.schema.serde.AvroDeserializer;
import io.userstream.schema.serde.AvroSerializer;
import io.userstream.schema.serde.SchemaRegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the console's tests put into the real pipeline: faker runs through ingest-service's API, a poison record
 * (bytes no schema reads) and a user the processor refuses until its cause is gone (registered a few seconds
 * in the future: {@code future-date} until that moment has passed, then valid), on users_created.
 */
public final class PipelineFixtures {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LocalStack stack;

    public PipelineFixtures(LocalStack stack) {
        this.stack = stack;
    }

    /** Starts a faker run of {@code count} users (as the stack's operator: starting a run is theirs); its id. */
    public String startRun(int count, String seed) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.ingestServiceUrl() + "/api/v1/ingestions"))
                .header("Content-Type", "application/json")
                .header("Authorization", stack.apiLogins().operator().basicAuthorization())
                .POST(HttpRequest.BodyPublishers.ofString("{\"source\":\"faker\",\"count\":" + count + ",\"seed\":\"" + seed + "\"}"))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("ingest-service refused the run: " + response.statusCode() + " " + response.body());
        }
        String body = response.body();
        int at = body.indexOf("\"id\":\"") + 6;
        return body.substring(at, body.indexOf('"', at));
    }

    /** Bytes that are not in the registry's wire format, keyed {@code key}. */
    public void producePoison(String key) {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>("users_created", key, "not an avro record".getBytes(StandardCharsets.UTF_8))).get();
        } catch (Exception e) {
            throw new IllegalStateException("poison record not sent", e);
        }
    }

    /**
     * A copy of a user already on users_created, as a new user of a new run, registered {@code ahead} after now:
     * the processor dead-letters it ({@code future-date}) until then, and re-driven after then it passes.
     */
    public FixableUser produceFutureRegisteredUser(Duration ahead) {
        UserCreated template = anyUserCreated();
        // The clock starts once there is a user to copy: finding one may wait for a run's first records.
        Instant registeredAt = Instant.now().plus(ahead);
        return produceUser(template, user -> user.setRegistered(DatedAge.newBuilder().setDate(registeredAt).setAge(0).build()), registeredAt);
    }

    /** A new user of a new run whose e-mail is not an address: dead-lettered ({@code invalid-email}) until corrected. */
    public FixableUser produceUserWithEmail(String email) {
        return produceUser(anyUserCreated(), user -> user.setEmail(email), null);
    }

    private FixableUser produceUser(UserCreated template, UnaryOperator<UserCreated.Builder> change, Instant fixableAt) {
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.schemaRegistryUrl());
        UUID userId = UUID.randomUUID();
        UUID runId = UUID.randomUUID();
        UserCreated user = change.apply(UserCreated.newBuilder(template)
                .setLogin(Login.newBuilder(template.getLogin()).setUuid(userId).setUsername("fixable-" + userId).build())
                .setEmail("fixable-" + userId + "@example.com")
                .setIngestion(IngestionMetadata.newBuilder(template.getIngestion()).setRunId(runId).build()))
                .build();
        try (AvroSerializer<UserCreated> serializer = new AvroSerializer<>(registry);
             KafkaProducer<String, byte[]> producer = producer()) {
            serializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
            RecordHeaders headers = new RecordHeaders();
            headers.add(io.userstream.schema.RecordHeaders.RUN_ID, runId.toString().getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>("users_created", null, userId.toString(),
                    serializer.serialize("users_created", user), headers)).get();
        } catch (Exception e) {
            throw new IllegalStateException("user not sent", e);
        }
        return new FixableUser(userId.toString(), runId.toString(), fixableAt);
    }

    private UserCreated anyUserCreated() {
        SchemaRegistryClient registry = new SchemaRegistryClient(stack.schemaRegistryUrl());
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
             AvroDeserializer<UserCreated> deserializer = new AvroDeserializer<>(registry)) {
            deserializer.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl(), "specific.avro.reader", true), false);
            List<TopicPartition> partitions = consumer.partitionsFor("users_created").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        return deserializer.deserialize("users_created", record.value());
                    } catch (RuntimeException notAUser) {
                        // a poison record of an earlier test: read on
                    }
                }
            }
            throw new IllegalStateException("no user on users_created to copy: start a run first");
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** Waits for {@code condition} (Awaitility, polling twice a second) up to {@code timeout}; fails naming what it waited for. */
    public static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(500)).until(condition::get);
    }

    /** @param fixableAt from this moment on the user is valid (null: only corrected data makes it valid) */
    public record FixableUser(String userId, String runId, Instant fixableAt) {
    }
}
