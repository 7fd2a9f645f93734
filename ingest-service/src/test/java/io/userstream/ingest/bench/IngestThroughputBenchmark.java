package io.userstream.ingest.bench;

import io.userstream.ingest.IngestServiceApplication;
import io.userstream.localstack.ApiLogins;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.SharedLocalStack;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Faker source → Kafka throughput of one ingest-service instance: starts real Kafka, registry and
 * PostgreSQL (local-stack launcher, free ports), the application on a free port, then POSTs runs
 * through the REST API and reports users published and acknowledged per second, from the ledger's
 * started/finished instants. Run by bench/ingest-throughput.sh.
 *
 * <p>Arguments: users per measured run (default 1,000,000), batch size (5,000), measured runs (3).
 */
public final class IngestThroughputBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        LocalStack stack = SharedLocalStack.ensureStarted(EnumSet.of(ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES));
        String topic = "users_created_bench";
        // Command-line arguments, so they win over application.yml.
        List<String> arguments = new ArrayList<>(List.of("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                "--spring.kafka.properties.schema.registry.url=" + stack.schemaRegistryUrl(),
                "--userstream.topics.users-created=" + topic,
                "--logging.level.root=WARN",
                "--logging.level.io.userstream=INFO"));
        // ingest-service's database and own role (in this JVM's arguments, not a process command line).
        stack.springProperties(EnumSet.of(ServerKind.POSTGRES)).forEach((name, value) -> arguments.add("--" + name + "=" + value));
        stack.springCredentials(EnumSet.of(ServerKind.POSTGRES)).forEach((name, value) -> arguments.add("--" + name + "=" + value));
        // The stack's API users: runs are started as operator and followed as reader.
        stack.apiLogins().springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
        // ingest-service's own Kafka principal, with only its ACLs.
        stack.kafkaLogins().service(ServerKind.INGEST).springProperties()
                .forEach((name, value) -> arguments.add("--" + name + "=" + value));
        ConfigurableApplicationContext app = new SpringApplicationBuilder(IngestServiceApplication.class)
                .run(arguments.toArray(String[]::new));
        try {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            URI base = URI.create("http://127.0.0.1:" + port + "/api/v1/ingestions");
            long kafkaPid = stack.pid(ServerKind.KAFKA).orElseThrow();
            System.out.printf("warm-up: %,d users%n", Math.min(users, 200_000));
            ApiLogins logins = stack.apiLogins();
            report(run(base, logins, Math.min(users, 200_000), batch, "warmup"));
            double best = 0;
            double sum = 0;
            for (int i = 1; i <= runs; i++) {
                double serviceCpuBefore = serviceCpuSeconds();
                double kafkaCpuBefore = processCpuSeconds(kafkaPid);
                JsonNode run = run(base, logins, users, batch, "bench" + i);
                double rate = report(run);
                double serviceCpu = serviceCpuSeconds() - serviceCpuBefore;
                double kafkaCpu = processCpuSeconds(kafkaPid) - kafkaCpuBefore;
                // CPU per user does not depend on what else runs on the machine: it bounds the rate on idle cores.
                System.out.printf("    CPU: ingest-service %.1f µs/user, Kafka broker %.1f µs/user "
                                + "-> at most %.0f users/s on 2 idle cores%n",
                        serviceCpu * 1e6 / users, kafkaCpu * 1e6 / users, 2 * users / (serviceCpu + kafkaCpu));
                best = Math.max(best, rate);
                sum += rate;
            }
            long onTopic = recordsOnTopic(stack, topic);
            System.out.printf("RESULT faker -> Kafka: mean %.0f users/s, best %.0f users/s over %d runs of %,d users "
                    + "(batch %d); %,d records on %s%n", sum / runs, best, runs, users, batch, onTopic, topic);
        } finally {
            app.close();
            stack.close();
        }
    }

    private static JsonNode run(URI base, ApiLogins logins, int users, int batch, String seed) throws Exception {
        String body = "{\"source\":\"faker\",\"count\":%d,\"batchSize\":%d,\"seed\":\"%s\"}".formatted(users, batch, seed);
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(base)
                .header("Content-Type", "application/json")
                .header("Authorization", logins.operator().basicAuthorization())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 202) {
            throw new IllegalStateException("POST answered " + created.statusCode() + ": " + created.body());
        }
        URI location = base.resolve(created.headers().firstValue("Location").orElseThrow());
        while (true) {
            Thread.sleep(250);
            JsonNode run = JSON.readTree(HTTP.send(HttpRequest.newBuilder(location)
                            .header("Authorization", logins.reader().basicAuthorization()).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            String status = run.get("status").asString();
            if (status.equals("SUCCEEDED")) {
                return run;
            }
            if (status.equals("FAILED")) {
                throw new IllegalStateException("run failed: " + run);
            }
        }
    }

    private static double report(JsonNode run) {
        Duration took = Duration.between(Instant.parse(run.get("startedAt").asString()), Instant.parse(run.get("finishedAt").asString()));
        long published = run.get("published").asLong();
        double rate = published / (took.toNanos() / 1e9);
        System.out.printf("  run %s: %,d published, %,d failed in %.2f s = %.0f users/s%n",
                run.get("id").asString(), published, run.get("failed").asLong(), took.toNanos() / 1e9, rate);
        return rate;
    }

    private static double serviceCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** utime + stime of a process from /proc (clock ticks of 1/100 s on Linux). */
    private static double processCpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static long recordsOnTopic(LocalStack stack, String topic) {
        Map<String, Object> config = new HashMap<>(stack.kafkaClientProperties());
        config.put("key.deserializer", ByteArrayDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
