package io.userstream.console.redrive;

import io.userstream.console.ConsoleProperties;
import io.userstream.schema.topic.TopicLayout;
import io.userstream.console.api.InvalidRequestException;
import io.userstream.console.api.ServerUnavailableException;
import io.userstream.console.deadletters.DeadLetter;
import io.userstream.console.deadletters.DeadLetter.Status;
import io.userstream.console.deadletters.DeadLetterIndex;
import io.userstream.console.follow.Origin;
import io.userstream.console.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends dead letters back through validation: each selected dead letter's original key and value go to
 * users_created again, with its headers (minus the {@code dlq.*} ones) and the {@code redrive.*} headers of the
 * contract. The records and the audit record of a part are one Kafka transaction: all of them are re-driven
 * and audited, or none. Safe to repeat: what a re-drive resolved is skipped, and the processor's
 * de-duplication would drop a second copy of a stored user anyway.
 */
@Component
public class Redriver {

    private static final int PART_SIZE = 500;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final DeadLetterIndex index;
    private final KafkaClients kafka;
    private final KafkaTemplate<String, byte[]> template;
    private final ConsoleProperties properties;
    private final TopicLayout topics;
    private final JsonMapper json;
    private final ValueCorrections corrections;
    private volatile boolean auditTopicReady;

    public Redriver(DeadLetterIndex index, KafkaClients kafka, KafkaTemplate<String, byte[]> template,
                    ConsoleProperties properties, TopicLayout topics, JsonMapper json, ValueCorrections corrections) {
        this.index = index;
        this.kafka = kafka;
        this.template = template;
        this.properties = properties;
        this.topics = topics;
        this.json = json;
        this.corrections = corrections;
    }

    /**
     * One re-drive at a time: two at once could send the same dead letter twice with the same count.
     *
     * @param by who asks: the authenticated caller's name, kept in the audit record and the {@code redrive.by} header
     */
    public synchronized Redrive redrive(RedriveRequest request, String by) {
        if (request.selectors() != 1) {
            throw new InvalidRequestException("ids", "give exactly one of ids, runId or reason");
        }
        if (request.corrects() && (request.ids() == null || request.ids().size() != 1)) {
            throw new InvalidRequestException("corrections", "corrected data is for one dead letter at a time: give ids with one id");
        }
        String id = UUID.randomUUID().toString();
        Instant at = Instant.now();
        Redrive.Selection selection = new Redrive.Selection(request.ids(), request.runId(), request.reason(),
                request.corrections() == null ? null : request.corrections().keySet().stream().sorted().toList());
        List<DeadLetter> selected = new ArrayList<>();
        List<Redrive.Skipped> skipped = new ArrayList<>();
        select(request, selected, skipped);
        List<DeadLetter> toSend = new ArrayList<>();
        for (DeadLetter deadLetter : selected) {
            String why = whyNot(deadLetter);
            if (why == null) {
                toSend.add(deadLetter);
            } else {
                skipped.add(new Redrive.Skipped(deadLetter.id(), why));
            }
        }
        ensureAuditTopic();
        Map<String, ConsumerRecord<String, byte[]>> originals = read(toSend);
        if (request.corrects()) {
            originals.replaceAll((key, original) -> corrected(original, request.corrections()));
        }
        List<Redrive.Sent> allSent = new ArrayList<>();
        int parts = Math.max(1, (toSend.size() + PART_SIZE - 1) / PART_SIZE);
        for (int part = 0; part < parts; part++) {
            List<DeadLetter> chunk = toSend.subList(part * PART_SIZE, Math.min(toSend.size(), (part + 1) * PART_SIZE));
            List<Redrive.Skipped> partSkipped = part == 0 ? skipped : List.of();
            List<Redrive.Sent> sent = sendPart(id, by, at, selection, chunk, originals, partSkipped, part + 1, parts);
            allSent.addAll(sent);
            sent.forEach(s -> index.markSent(Origin.parse(s.deadLetterId()), s.redriveCount()));
        }
        return new Redrive(id, by, at, selection, allSent, skipped, 1, 1);
    }

    private void select(RedriveRequest request, List<DeadLetter> selected, List<Redrive.Skipped> skipped) {
        int max = 1_000_000;
        if (request.ids() != null && !request.ids().isEmpty()) {
            for (String deadLetterId : request.ids()) {
                Origin origin = Origin.parse(deadLetterId);
                DeadLetter deadLetter = origin == null ? null : index.get(origin);
                if (deadLetter == null) {
                    skipped.add(new Redrive.Skipped(deadLetterId, "no such dead letter"));
                } else {
                    selected.add(deadLetter);
                }
            }
        } else if (request.runId() != null && !request.runId().isBlank()) {
            selected.addAll(index.find(null, request.runId(), null, max));
        } else {
            selected.addAll(index.find(request.reason(), null, null, max));
        }
    }

    private String whyNot(DeadLetter deadLetter) {
        if (!deadLetter.redrivable()) {
            return "refused by " + (deadLetter.service().isEmpty() ? "a service" : deadLetter.service()) + " on its way from "
                    + deadLetter.origin().topic() + ": only records refused on their way from " + topics.usersCreated()
                    + " go back through validation";
        }
        if (deadLetter.status() == Status.RESOLVED) {
            return "already resolved: an earlier re-drive passed validation";
        }
        if (deadLetter.status() == Status.REDRIVEN) {
            return "a re-drive of it is under way";
        }
        return null;
    }

    /** The latest dead-letter record of each, read from users_dlq by partition in offset order. */
    private Map<String, ConsumerRecord<String, byte[]>> read(List<DeadLetter> deadLetters) {
        Map<Integer, List<Long>> wanted = new HashMap<>();
        deadLetters.forEach(d -> wanted.computeIfAbsent(d.dlqPartition(), p -> new ArrayList<>()).add(d.dlqOffset()));
        Map<String, ConsumerRecord<String, byte[]>> found = new HashMap<>();
        if (wanted.isEmpty()) {
            return found;
        }
        String topic = topics.deadLetter();
        try (KafkaConsumer<String, byte[]> consumer = kafka.consumer("console-redrive", new ByteArrayDeserializer())) {
            for (Map.Entry<Integer, List<Long>> entry : wanted.entrySet()) {
                TopicPartition partition = new TopicPartition(topic, entry.getKey());
                List<Long> offsets = entry.getValue().stream().sorted().toList();
                Set<Long> missing = new HashSet<>(offsets);
                consumer.assign(List.of(partition));
                long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
                for (long offset : offsets) {
                    if (!missing.contains(offset)) {
                        continue;
                    }
                    consumer.seek(partition, offset);
                    while (missing.contains(offset)) {
                        if (System.nanoTime() > deadline) {
                            throw new ServerUnavailableException("kafka", topic, new java.util.concurrent.TimeoutException(
                                    "reading " + topic + "-" + partition.partition() + " at " + offset + " took over " + READ_TIMEOUT.toSeconds() + " s"));
                        }
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            if (missing.remove(record.offset())) {
                                found.put(topic + "-" + record.partition() + "-" + record.offset(), record);
                            }
                        }
                        if (consumer.position(partition) > offset) {
                            // Read past it without seeing it: deleted by retention. Reported per dead letter.
                            missing.remove(offset);
                        }
                    }
                }
            }
        } catch (KafkaException e) {
            throw new ServerUnavailableException("kafka", "users_dlq", e);
        }
        return found;
    }

    private List<Redrive.Sent> sendPart(String id, String by, Instant at, Redrive.Selection selection, List<DeadLetter> chunk,
                                        Map<String, ConsumerRecord<String, byte[]>> originals, List<Redrive.Skipped> skipped,
                                        int part, int parts) {
        List<Redrive.Skipped> partSkipped = new ArrayList<>(skipped);
        try {
            return template.executeInTransaction(operations -> {
                List<DeadLetter> sending = new ArrayList<>();
                List<CompletableFuture<SendResult<String, byte[]>>> futures = new ArrayList<>();
                for (DeadLetter deadLetter : chunk) {
                    ConsumerRecord<String, byte[]> original = originals.get(topics.deadLetter() + "-"
                            + deadLetter.dlqPartition() + "-" + deadLetter.dlqOffset());
                    if (original == null) {
                        partSkipped.add(new Redrive.Skipped(deadLetter.id(), "its record is no longer on "
                                + topics.deadLetter() + " (retention)"));
                        continue;
                    }
                    sending.add(deadLetter);
                    futures.add(operations.send(new ProducerRecord<>(topics.usersCreated(), null, at.toEpochMilli(),
                            original.key(), original.value(), headers(original, deadLetter, id, by))));
                }
                operations.flush();
                List<Redrive.Sent> sent = new ArrayList<>();
                for (int i = 0; i < sending.size(); i++) {
                    SendResult<String, byte[]> result = await(futures.get(i));
                    DeadLetter deadLetter = sending.get(i);
                    sent.add(new Redrive.Sent(deadLetter.id(), deadLetter.key(), deadLetter.redriveCount() + 1,
                            result.getRecordMetadata().partition(), result.getRecordMetadata().offset()));
                }
                Redrive audit = new Redrive(id, by, at, selection, sent, partSkipped, part, parts);
                await(operations.send(properties.topics().redriveAudit(), id, json.writeValueAsBytes(audit)));
                return sent;
            });
        } catch (KafkaException e) {
            throw new ServerUnavailableException("kafka", topics.usersCreated(), e);
        }
    }

    private ConsumerRecord<String, byte[]> corrected(ConsumerRecord<String, byte[]> original, Map<String, String> corrections) {
        return new ConsumerRecord<>(original.topic(), original.partition(), original.offset(), original.timestamp(),
                original.timestampType(), original.serializedKeySize(), -1, original.key(),
                this.corrections.apply(original.value(), corrections), original.headers(), original.leaderEpoch());
    }

    /** Inside the transaction: a send that fails aborts it (KafkaTemplate aborts on any exception). */
    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while sending", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new KafkaException("send failed: " + e, e);
        }
    }

    private static Iterable<Header> headers(ConsumerRecord<String, byte[]> original, DeadLetter deadLetter, String id, String by) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : original.headers()) {
            if (!header.key().startsWith("dlq.") && !header.key().startsWith("redrive.")) {
                headers.add(header);
            }
        }
        add(headers, io.userstream.schema.RecordHeaders.REDRIVE_ID, id);
        add(headers, io.userstream.schema.RecordHeaders.REDRIVE_COUNT, Integer.toString(deadLetter.redriveCount() + 1));
        add(headers, io.userstream.schema.RecordHeaders.REDRIVE_BY, by);
        add(headers, io.userstream.schema.RecordHeaders.REDRIVE_ORIGIN_TOPIC, deadLetter.origin().topic());
        add(headers, io.userstream.schema.RecordHeaders.REDRIVE_ORIGIN_PARTITION, Integer.toString(deadLetter.origin().partition()));
        add(headers, io.userstream.schema.RecordHeaders.REDRIVE_ORIGIN_OFFSET, Long.toString(deadLetter.origin().offset()));
        return headers;
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The audit topic is the console's own: created on the first re-drive, kept forever. */
    private void ensureAuditTopic() {
        if (auditTopicReady) {
            return;
        }
        NewTopic topic = new NewTopic(properties.topics().redriveAudit(), 1, (short) topics.replicationFactor())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
                        TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(topics.minInsyncReplicas())));
        try {
            kafka.admin().createTopics(List.of(topic)).all().get(properties.requestTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new ServerUnavailableException("kafka", properties.topics().redriveAudit(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerUnavailableException("kafka", properties.topics().redriveAudit(), e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ServerUnavailableException("kafka", properties.topics().redriveAudit(), e);
        }
        auditTopicReady = true;
    }
}
