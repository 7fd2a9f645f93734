package io.userstream.console.follow;

import io.userstream.schema.topic.TopicLayout;
import io.userstream.console.kafka.KafkaClients;
import io.userstream.schema.RecordHeaders;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/**
 * Follows {@code users_processed} by its headers only: how many users of each ingestion run the processor let
 * through ({@code userstream.run-id}), and which dead letters a re-drive resolved ({@code redrive.origin.*}).
 * Committed records only, so a user counts once whatever the processor's transactions did.
 */
@Component
public class ProcessedUsersFollower implements InitializingBean, DisposableBean, Followed {

    private final KafkaClients clients;
    private final String topic;
    private final Map<UUID, LongAdder> processedByRun = new ConcurrentHashMap<>();
    private final Set<Origin> resolved = ConcurrentHashMap.newKeySet();
    private TopicTail<Void> tail;

    public ProcessedUsersFollower(KafkaClients clients, TopicLayout topics) {
        this.clients = clients;
        this.topic = topics.usersProcessed();
    }

    @Override
    public void afterPropertiesSet() {
        tail = new TopicTail<>(clients, topic, new HeadersOnly(), this::handle).start();
    }

    void handle(ConsumerRecords<String, Void> records) {
        for (ConsumerRecord<String, Void> record : records) {
            String runId = RecordHeaders.text(record.headers(), RecordHeaders.RUN_ID);
            if (runId != null) {
                try {
                    processedByRun.computeIfAbsent(UUID.fromString(runId), id -> new LongAdder()).increment();
                } catch (IllegalArgumentException e) {
                    // not a run id: counted nowhere, like a record without the header
                }
            }
            Origin origin = RedriveHeaders.origin(record.headers());
            if (origin != null) {
                resolved.add(origin);
            }
        }
    }

    /** Users of the run on users_processed so far (0 before the first, or for runs older than the header). */
    public long processed(UUID runId) {
        LongAdder count = processedByRun.get(runId);
        return count == null ? 0 : count.sum();
    }

    /** True once a re-drive of this dead letter passed validation and went on to be stored. */
    public boolean isResolved(Origin origin) {
        return resolved.contains(origin);
    }

    public boolean caughtUp() {
        return tail.caughtUp();
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
