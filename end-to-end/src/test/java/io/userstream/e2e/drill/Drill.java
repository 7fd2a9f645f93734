package io.userstream.e2e.drill;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.userstream.e2e.RandomUserPopulation;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerId;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.airflow.RunProgress;
import io.userstream.localstack.airflow.TaskInstance;
import io.userstream.localstack.airflow.UserAutomation;
import io.userstream.schema.serde.AvroDeserializer;
import io.userstream.schema.serde.AvroSerdeConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One fault drill: a user_automation DAG run on the real stack, one fault injected at a random moment of it
 * (when the ingestion has published a random share of its users), the system left to recover by itself,
 * then every user of the run followed through the topics and Cassandra.
 */
public final class Drill {

    static final String USERS_CREATED = "users_created";
    static final String USERS_PROCESSED = "users_processed";
    static final String USER_STATS = "user_stats";
    static final String DEAD_LETTERS = "users_dlq";
    private static final Duration DAG_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(5);
    /** Running window counts reach the store about a second after the last user; this bounds the wait for them. */
    private static final Duration STATS_SETTLE_TIMEOUT = Duration.ofMinutes(3);
    private static final int RUN_SHARDS = 16;

    private final DrillStack drills;
    private final LocalStack stack;
    private final Consumer<String> log;
    private final Random random;
    private final TopicReader topics;
    private final AvroDeserializer<Object> generic = new AvroDeserializer<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public Drill(DrillStack drills, Consumer<String> log, Random random) {
        this.drills = drills;
        this.stack = drills.stack;
        this.log = log;
        this.random = random;
        this.topics = new TopicReader(stack.kafkaClientProperties());
        generic.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, stack.schemaRegistryUrl(), AvroSerdeConfig.SPECIFIC_AVRO_READER, false), false);
    }

    public DrillResult run(Fault fault, int users) throws Exception {
        Map<String, Map<TopicPartition, Long>> from = new HashMap<>();
        for (String topic : List.of(USERS_CREATED, USERS_PROCESSED, DEAD_LETTERS)) {
            from.put(topic, topics.endOffsets(topic));
        }
        UserAutomation.Request request = new UserAutomation.Request(users, fault.source(), "drill-" + UUID.randomUUID().toString().substring(0, 8));
        if (fault.source().equals("randomuser")) {
            drills.randomUser().serve(new RandomUserPopulation(users, 50, random.nextLong()));
        }
        double share = 0.1 + 0.6 * random.nextDouble();
        log.accept("drill '%s': %d %s users, seed %s; the fault comes once %.0f %% are published".formatted(
                fault.name(), users, fault.source(), request.seed(), share * 100));
        // The previous drill's fault may still ripple (Airflow restarts after its database is killed): start from a whole stack.
        awaitStackHealthy();
        Instant began = Instant.now();
        AtomicReference<Instant> airflowBack = new AtomicReference<>(Instant.MIN);
        CompletableFuture<UserAutomation.Result> dagRun = CompletableFuture.supplyAsync(() ->
                new UserAutomation(stack).run(request, DAG_TIMEOUT, new RunProgress() {
                    @Override
                    public void taskChanged(TaskInstance task) {
                        log.accept("  task %s: %s (try %d)".formatted(task.taskId(), task.state(), task.tryNumber()));
                    }

                    @Override
                    public void airflowUnavailable(String reason) {
                        log.accept("  Airflow does not answer: " + reason);
                    }

                    @Override
                    public void airflowBack(Duration down) {
                        airflowBack.set(Instant.now());
                        log.accept("  Airflow answers again after %.1f s".formatted(down.toMillis() / 1e3));
                    }
                }));

        Duration recovered = Duration.ZERO;
        RestProbe.Reads reads = RestProbe.Reads.NONE;
        Instant faultAt = Instant.MAX;
        String note = "";
        if (!(fault instanceof Fault.None)) {
            if (awaitPublishedShare(request.seed(), users, share, dagRun)) {
                faultAt = Instant.now();
                // What a reader of the REST API sees while the stack recovers (the store's first instance).
                try (RestProbe probe = RestProbe.start(stack.userStoreServiceUrl(), stack.apiLogins().reader().basicAuthorization())) {
                    recovered = inject(fault);
                    reads = probe.stop();
                }
            } else {
                note = "the run ended before the fault could be injected";
            }
        }
        UserAutomation.Result result = dagRun.get(DAG_TIMEOUT.toMinutes() + 1, TimeUnit.MINUTES);
        // Airflow may go down only after the stack looked whole again: it exits some seconds after its database.
        if (airflowBack.get().isAfter(faultAt.plus(recovered))) {
            recovered = Duration.between(faultAt, airflowBack.get());
        }
        Duration took = Duration.between(began, Instant.now());
        log.accept("  DAG run %s: %s in %.1f s".formatted(result.dagRun().dagRunId(), result.dagRun().state(), took.toMillis() / 1e3));
        Optional<UUID> runId = result.ingestionRunId().or(() -> findRun(request.seed()).map(run -> UUID.fromString(run.path("id").asText())));
        if (runId.isEmpty()) {
            return new DrillResult(fault.name(), users, result.dagRun().state(), "not started", 0, 0, 0, 0, 0, 0, 0, 0, recovered, took, reads, note);
        }
        return check(fault, users, runId.get(), result.dagRun().state(), from, recovered, took, reads, note);
    }

    /** Waits until the run has published {@code share} of its users; false if the DAG ended first. */
    private boolean awaitPublishedShare(String seed, int users, double share, CompletableFuture<?> dagRun) throws InterruptedException {
        while (!dagRun.isDone()) {
            Optional<JsonNode> run = findRun(seed);
            if (run.isPresent() && run.get().path("published").asLong() >= share * users) {
                return true;
            }
            if (run.isPresent() && run.get().path("status").asText().matches("SUCCEEDED|FAILED")) {
                return false;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Injects the fault and returns how long until every server answered again. */
    private Duration inject(Fault fault) throws Exception {
        Instant at = Instant.now();
        if (fault instanceof Fault.Kill kill) {
            ProcessHandle process = ProcessHandle.of(stack.pid(kill.server()).orElseThrow()).orElseThrow();
            log.accept("  kill -9 %s (pid %d)".formatted(kill.server().displayName(), process.pid()));
            process.destroyForcibly();
            process.onExit().get(30, TimeUnit.SECONDS);
            awaitHealthy(kill.server(), process.pid());
        } else if (fault instanceof Fault.Outage outage) {
            log.accept("  stopping %s for %d s".formatted(outage.name(), outage.length().toSeconds()));
            for (int i = outage.servers().size() - 1; i >= 0; i--) {
                stack.stop(outage.servers().get(i));
            }
            Thread.sleep(outage.length().toMillis()); // the outage itself, not a wait for a result
            stack.startServers(Set.copyOf(outage.servers()));
            awaitStackHealthy();
        } else if (fault instanceof Fault.SourceTrouble trouble) {
            log.accept("  randomuser.me %s for %d s".formatted(trouble.trouble().description, trouble.length().toSeconds()));
            drills.randomUser().misbehave(trouble.trouble(), trouble.length());
            Thread.sleep(trouble.length().toMillis()); // the trouble lasts this long; the drill waits on the DAG run after
        } else if (fault instanceof Fault.Poison) {
            sendPoison();
        }
        Duration recovered = Duration.between(at, Instant.now());
        log.accept("  recovered in %.1f s".formatted(recovered.toMillis() / 1e3));
        return recovered;
    }

    /**
     * The supervisor starts a killed server again, and any server that went down with it (Airflow exits when its
     * database is killed); a drill only waits for that, never helps.
     */
    private void awaitHealthy(ServerId server, long killedPid) throws InterruptedException {
        Instant deadline = Instant.now().plus(RECOVERY_TIMEOUT);
        while (stack.pid(server).filter(pid -> pid != killedPid).isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(server.displayName() + " was not started again within " + RECOVERY_TIMEOUT.toMinutes() + " min");
            }
            Thread.sleep(250);
        }
        awaitStackHealthy();
    }

    private void awaitStackHealthy() throws InterruptedException {
        Instant deadline = Instant.now().plus(RECOVERY_TIMEOUT);
        Set<ServerId> down = unhealthy();
        while (!down.isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(down + " did not answer again within " + RECOVERY_TIMEOUT.toMinutes() + " min");
            }
            Thread.sleep(250);
            down = unhealthy();
        }
    }

    private Set<ServerId> unhealthy() {
        Set<ServerId> down = new TreeSet<>();
        for (ServerKind kind : ServerKind.values()) {
            for (ServerId server : stack.serversOf(kind)) {
                if (!stack.isHealthy(server)) {
                    down.add(server);
                }
            }
        }
        return down;
    }

    /** Garbage and a record naming a schema id the registry never issued, in every topic the pipeline reads. */
    private void sendPoison() throws Exception {
        Properties config = new Properties();
        config.putAll(stack.kafkaClientProperties());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        byte[] garbage = "this is not Avro".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchema = ByteBuffer.allocate(9).put((byte) 0).putInt(Integer.MAX_VALUE - 7).putInt(42).array();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (String topic : List.of(USERS_CREATED, USERS_PROCESSED, USER_STATS, DEAD_LETTERS)) {
                producer.send(new ProducerRecord<>(topic, "poison-garbage-" + UUID.randomUUID(), garbage)).get();
                producer.send(new ProducerRecord<>(topic, "poison-schema-" + UUID.randomUUID(), unknownSchema)).get();
            }
        }
        log.accept("  sent 8 poison records");
    }

    private DrillResult check(Fault fault, int users, UUID runId, String dagState, Map<String, Map<TopicPartition, Long>> from,
                              Duration recovered, Duration took, RestProbe.Reads reads, String note) throws Exception {
        String run = runId.toString();
        Set<String> published = new HashSet<>();
        Instant firstPublished = Instant.MAX;
        Instant lastPublished = Instant.MIN;
        for (ConsumerRecord<String, byte[]> record : topics.readFrom(USERS_CREATED, from.get(USERS_CREATED))) {
            if (run.equals(runOf(record))) {
                published.add(record.key());
                Instant at = Instant.ofEpochMilli(record.timestamp());
                firstPublished = at.isBefore(firstPublished) ? at : firstPublished;
                lastPublished = at.isAfter(lastPublished) ? at : lastPublished;
            }
        }
        Map<String, Integer> outputs = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : topics.readFrom(USERS_PROCESSED, from.get(USERS_PROCESSED))) {
            if (run.equals(runOf(record))) {
                outputs.merge(record.key(), 1, Integer::sum);
            }
        }
        Set<String> deadLettered = new HashSet<>();
        Set<String> poisonDeadLettered = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : topics.readFrom(DEAD_LETTERS, from.get(DEAD_LETTERS))) {
            if (run.equals(runOf(record))) {
                deadLettered.add(record.key());
            } else if (record.key() != null && record.key().startsWith("poison-") && record.headers().lastHeader("dlq.reason") != null) {
                poisonDeadLettered.add(record.topic() + record.headers().lastHeader("dlq.source.topic") + record.key());
            }
        }
        // Poison in users_created, users_processed and user_stats is dead-lettered with a reason (6 records);
        // in users_dlq itself it is counted and skipped.
        long poisonUnaccounted = fault instanceof Fault.Poison ? Math.max(0, 6 - poisonDeadLettered.size()) : 0;
        if (poisonUnaccounted > 0) {
            note = (note.isEmpty() ? "" : note + "; ") + poisonUnaccounted + " poison records not dead-lettered with a reason";
        }
        drills.reopenCassandra(); // the checks read Cassandra through a session opened after the fault
        Set<String> stored = storedUsers(runId);

        Set<String> lost = new HashSet<>(published);
        lost.removeAll(stored);
        lost.removeAll(deadLettered);
        Set<String> extra = new HashSet<>(stored);
        extra.removeAll(published);
        Set<String> storedAndDeadLettered = new HashSet<>(stored);
        storedAndDeadLettered.retainAll(deadLettered);
        extra.addAll(storedAndDeadLettered);
        long duplicated = outputs.values().stream().filter(count -> count > 1).count();
        Instant windowsFrom = firstPublished.truncatedTo(ChronoUnit.MINUTES);
        Instant windowsTo = lastPublished.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        long statsExpected = published.isEmpty() ? 0 : storedUsersFirstPublishedBetween(windowsFrom, windowsTo);
        long statsCounted = published.isEmpty() ? 0 : awaitStats(windowsFrom, windowsTo, statsExpected);
        String ingestion = ingestionStatus(runId);
        if (!lost.isEmpty()) {
            note = (note.isEmpty() ? "" : note + "; ") + "lost e.g. " + lost.stream().limit(3).toList();
        }
        DrillResult result = new DrillResult(fault.name(), users, dagState, ingestion, published.size(), stored.size(), deadLettered.size(),
                lost.size(), extra.size() + poisonUnaccounted, duplicated, statsExpected, statsCounted, recovered, took, reads, note);
        log.accept("  " + result.summary());
        return result;
    }

    /** The run id in a record's value (UserCreated, UserProcessed, or the original bytes of a dead letter); null for poison. */
    private String runOf(ConsumerRecord<String, byte[]> record) {
        try {
            Object value = generic.deserialize(record.topic(), record.value());
            if (value instanceof GenericRecord user && user.getSchema().getField("ingestion") != null
                    && user.get("ingestion") instanceof GenericRecord ingestion) {
                return String.valueOf(ingestion.get("runId"));
            }
        } catch (RuntimeException undecodable) {
            // a poison record: it belongs to no run
        }
        return null;
    }

    /** The run's users in users_by_run that also have their row in users. */
    private Set<String> storedUsers(UUID runId) {
        CqlSession cassandra = drills.cassandra();
        PreparedStatement byRun = cassandra.prepare("SELECT user_id FROM userstream.users_by_run WHERE run_id = ? AND shard = ?");
        Set<String> inRun = new HashSet<>();
        for (int shard = 0; shard < RUN_SHARDS; shard++) {
            for (Row row : cassandra.execute(byRun.bind(runId, shard).setPageSize(5000))) {
                inRun.add(row.getUuid("user_id").toString());
            }
        }
        return existingUsers(List.copyOf(inRun));
    }

    /** Those of {@code ids} that have their row in users. */
    private Set<String> existingUsers(List<String> ids) {
        CqlSession cassandra = drills.cassandra();
        PreparedStatement user = cassandra.prepare("SELECT user_id FROM userstream.users WHERE user_id = ?");
        Set<String> existing = new HashSet<>();
        for (int i = 0; i < ids.size(); i += 256) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + 256));
            List<CompletableFuture<Boolean>> present = new ArrayList<>();
            for (String id : chunk) {
                present.add(cassandra.executeAsync(user.bind(UUID.fromString(id))).toCompletableFuture().thenApply(rows -> rows.one() != null));
            }
            for (int j = 0; j < chunk.size(); j++) {
                if (present.get(j).join()) {
                    existing.add(chunk.get(j));
                }
            }
        }
        return existing;
    }

    /**
     * What the windows [from, to) must count: the stored users whose first record in users_created (the one the
     * processor's de-duplication lets through; a resumed run may publish a page again) falls in them. A window
     * at either end may also hold users of the run before or after this one, so they are counted too.
     */
    private long storedUsersFirstPublishedBetween(Instant from, Instant to) {
        Map<String, Long> firstPublished = new HashMap<>();
        // From well before the first window, so a user published before it and again inside it is not counted there.
        for (ConsumerRecord<String, byte[]> record : topics.readFrom(USERS_CREATED,
                topics.offsetsAt(USERS_CREATED, from.minus(Duration.ofMinutes(10))))) {
            if (runOf(record) != null) {
                firstPublished.merge(record.key(), record.timestamp(), Math::min);
            }
        }
        List<String> inWindows = firstPublished.entrySet().stream()
                .filter(user -> user.getValue() >= from.toEpochMilli() && user.getValue() < to.toEpochMilli())
                .map(Map.Entry::getKey).toList();
        return existingUsers(inWindows).size();
    }

    /** Users counted by the GENDER windows in [from, to) (every user has one gender) once they reach {@code expected}; the last sum seen. */
    private long awaitStats(Instant from, Instant to, long expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(STATS_SETTLE_TIMEOUT);
        long sum = statsSum(from, to);
        while (sum != expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
            sum = statsSum(from, to);
        }
        return sum;
    }

    private long statsSum(Instant from, Instant to) {
        CqlSession cassandra = drills.cassandra();
        Set<LocalDate> days = new HashSet<>();
        for (LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC); !day.isAfter(LocalDate.ofInstant(to, ZoneOffset.UTC)); day = day.plusDays(1)) {
            days.add(day);
        }
        long sum = 0;
        for (Row partition : cassandra.execute("SELECT DISTINCT dimension, dimension_key, day FROM userstream.user_stats")) {
            if (!"GENDER".equals(partition.getString("dimension")) || !days.contains(partition.getLocalDate("day"))) {
                continue;
            }
            for (Row window : cassandra.execute(cassandra.prepare("SELECT user_count FROM userstream.user_stats WHERE dimension = ?"
                            + " AND dimension_key = ? AND day = ? AND window_start >= ? AND window_start < ?")
                    .bind("GENDER", partition.getString("dimension_key"), partition.getLocalDate("day"), from, to))) {
                sum += window.getLong("user_count");
            }
        }
        return sum;
    }

    private String ingestionStatus(UUID runId) throws IOException, InterruptedException {
        return getJson(stack.ingestServiceUrl() + "/api/v1/ingestions/" + runId).map(run -> run.path("status").asText()).orElse("unknown");
    }

    private Optional<JsonNode> findRun(String seed) {
        try {
            Optional<JsonNode> recent = getJson(stack.ingestServiceUrl() + "/api/v1/ingestions?limit=20");
            if (recent.isPresent()) {
                for (JsonNode run : recent.get()) {
                    if (seed.equals(run.path("seed").asText())) {
                        return Optional.of(run);
                    }
                }
            }
        } catch (IOException e) {
            // ingest-service down (a drill's fault): not found yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private Optional<JsonNode> getJson(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Accept", "application/json").header("Authorization", stack.apiLogins().reader().basicAuthorization())
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? Optional.of(json.readTree(response.body())) : Optional.empty();
    }
}
