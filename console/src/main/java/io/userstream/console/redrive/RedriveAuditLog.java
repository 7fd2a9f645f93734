package io.userstream.console.redrive;

import io.userstream.console.ConsoleProperties;
import io.userstream.console.follow.Followed;
import io.userstream.console.follow.TopicTail;
import io.userstream.console.kafka.KafkaClients;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The re-drive audit, read back from its topic (committed records only: a re-drive that aborted never happened). */
@Component
public class RedriveAuditLog implements InitializingBean, DisposableBean, Followed {

    private static final Logger log = LoggerFactory.getLogger(RedriveAuditLog.class);
    private static final int KEPT = 1000;

    private final KafkaClients clients;
    private final ConsoleProperties properties;
    private final JsonMapper json;
    private final Map<String, Redrive> byId = new LinkedHashMap<>();
    private TopicTail<byte[]> tail;

    public RedriveAuditLog(KafkaClients clients, ConsoleProperties properties, JsonMapper json) {
        this.clients = clients;
        this.properties = properties;
        this.json = json;
    }

    @Override
    public void afterPropertiesSet() {
        tail = new TopicTail<>(clients, properties.topics().redriveAudit(), new ByteArrayDeserializer(), this::handle).start();
    }

    private synchronized void handle(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                Redrive part = json.readValue(record.value(), Redrive.class);
                byId.merge(part.id(), part, RedriveAuditLog::merge);
            } catch (JacksonException | IllegalArgumentException e) {
                log.warn("Audit record at {}-{}@{} is not a re-drive: {}", record.topic(), record.partition(), record.offset(), e.toString());
            }
        }
        while (byId.size() > KEPT) {
            byId.remove(byId.keySet().iterator().next());
        }
    }

    private static Redrive merge(Redrive a, Redrive b) {
        List<Redrive.Sent> sent = new ArrayList<>(a.sent());
        sent.addAll(b.sent());
        List<Redrive.Skipped> skipped = new ArrayList<>(a.skipped());
        skipped.addAll(b.skipped());
        return new Redrive(a.id(), a.by(), a.at(), a.selection(), sent, skipped, Math.max(a.part(), b.part()), a.parts());
    }

    /** Newest first. */
    public synchronized List<Redrive> recent(int limit) {
        return byId.values().stream().sorted(Comparator.comparing(Redrive::at).reversed()).limit(limit).toList();
    }

    @Override
    public TopicTail<?> tail() {
        return tail;
    }

    @Override
    public void destroy() {
        tail.close();
    }
}
