package io.userstream.console.topics;

import io.userstream.console.ConsoleProperties;
import io.userstream.console.kafka.KafkaClients;
import io.userstream.console.topics.TopicsSnapshot.GroupView;
import io.userstream.console.topics.TopicsSnapshot.PartitionLag;
import io.userstream.console.topics.TopicsSnapshot.PartitionView;
import io.userstream.console.topics.TopicsSnapshot.TopicView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Samples every topic (partitions, start and end offsets, size on disk) and every consumer group (committed
 * offsets, lag per partition) through the admin client, each sample interval, and keeps the rate history.
 * A sample that fails keeps the previous one, marked stale with the reason.
 */
@Component
public class TopicSampler {

    /** Sizes on disk change slowly and describing log dirs is the costliest call: every few samples. */
    private static final int SIZE_EVERY = 5;

    private final Admin admin;
    private final ConsoleProperties properties;
    private final RateHistory history;
    private final AtomicReference<TopicsSnapshot> latest = new AtomicReference<>(TopicsSnapshot.none("not sampled yet"));
    private Map<String, Long> previousEnds = Map.of();
    private Instant previousAt;
    private Map<TopicPartition, Long> sizes = Map.of();
    private int samples;

    public TopicSampler(KafkaClients kafka, ConsoleProperties properties) {
        this.admin = kafka.admin();
        this.properties = properties;
        this.history = new RateHistory(properties.history());
    }

    public TopicsSnapshot latest() {
        return latest.get();
    }

    public List<RateHistory.Series> history() {
        return history.series();
    }

    @Scheduled(fixedDelayString = "${userstream.console.sample-interval}")
    void sample() {
        try {
            latest.set(takeSample());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            latest.set(latest.get().stale("Kafka did not answer: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")));
        }
    }

    private TopicsSnapshot takeSample() throws InterruptedException, ExecutionException, TimeoutException {
        long timeout = properties.requestTimeout().toMillis() + 1_000;
        Set<String> names = new TreeSet<>(admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS));
        Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get(timeout, TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = descriptions.values().stream()
                .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(), p.partition())))
                .toList();
        Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest(), timeout);
        Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest(), timeout);
        if (samples++ % SIZE_EVERY == 0) {
            sizes = sizes(descriptions.values(), timeout);
        }
        Instant now = Instant.now();
        double seconds = previousAt == null ? 0 : Math.max(0.001, (now.toEpochMilli() - previousAt.toEpochMilli()) / 1000.0);

        List<TopicView> topics = new ArrayList<>();
        Map<String, Long> endsByTopic = new HashMap<>();
        for (TopicDescription description : descriptions.values()) {
            List<PartitionView> views = description.partitions().stream().map(p -> {
                TopicPartition tp = new TopicPartition(description.name(), p.partition());
                return new PartitionView(p.partition(), starts.getOrDefault(tp, 0L), ends.getOrDefault(tp, 0L),
                        p.leader() == null ? -1 : p.leader().id(), p.replicas().size());
            }).sorted(Comparator.comparingInt(PartitionView::partition)).toList();
            long end = views.stream().mapToLong(PartitionView::endOffset).sum();
            long messages = views.stream().mapToLong(v -> v.endOffset() - v.startOffset()).sum();
            Long previous = previousEnds.get(description.name());
            double rate = previous == null || seconds == 0 ? 0 : Math.max(0, end - previous) / seconds;
            long bytes = views.stream().mapToLong(v -> sizes.getOrDefault(new TopicPartition(description.name(), v.partition()), -1L))
                    .reduce(0, (a, b) -> a < 0 || b < 0 ? -1 : a + b);
            topics.add(new TopicView(description.name(), views, messages, rate, bytes));
            endsByTopic.put(description.name(), end);
            history.add(now, description.name(), rate);
        }
        topics.sort(Comparator.comparing(TopicView::name));
        previousEnds = endsByTopic;
        previousAt = now;
        return new TopicsSnapshot(now, topics, groups(ends, timeout), null);
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec, long timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(p -> request.put(p, spec));
        Map<TopicPartition, ListOffsetsResultInfo> result = admin.listOffsets(request).all().get(timeout, TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((p, info) -> offsets.put(p, info.offset()));
        return offsets;
    }

    /** Size of each partition's leader replica (a replicated topic would otherwise count its bytes several times). */
    private Map<TopicPartition, Long> sizes(Collection<TopicDescription> descriptions, long timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Integer> leaders = new HashMap<>();
        descriptions.forEach(d -> d.partitions().forEach(p -> {
            Node leader = p.leader();
            if (leader != null) {
                leaders.put(new TopicPartition(d.name(), p.partition()), leader.id());
            }
        }));
        List<Integer> brokers = admin.describeCluster().nodes().get(timeout, TimeUnit.MILLISECONDS).stream().map(Node::id).toList();
        Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(brokers).allDescriptions().get(timeout, TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> sizes = new HashMap<>();
        dirs.forEach((broker, byDir) -> byDir.values().forEach(dir -> dir.replicaInfos().forEach((partition, replica) -> {
            if (Integer.valueOf(broker).equals(leaders.get(partition))) {
                sizes.merge(partition, replica.size(), Long::sum);
            }
        })));
        return sizes;
    }

    private List<GroupView> groups(Map<TopicPartition, Long> ends, long timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Collection<GroupListing> listings = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(timeout, TimeUnit.MILLISECONDS);
        List<GroupView> groups = new ArrayList<>();
        for (GroupListing listing : listings) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(listing.groupId())
                    .partitionsToOffsetAndMetadata().get(timeout, TimeUnit.MILLISECONDS);
            List<PartitionLag> lags = committed.entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .map(e -> {
                        long end = ends.getOrDefault(e.getKey(), e.getValue().offset());
                        return new PartitionLag(e.getKey().topic(), e.getKey().partition(), e.getValue().offset(), end,
                                Math.max(0, end - e.getValue().offset()));
                    })
                    .sorted(Comparator.comparing(PartitionLag::topic).thenComparingInt(PartitionLag::partition))
                    .toList();
            String kind = listing.groupId().equals(properties.streamsApplicationId()) ? "STREAMS" : "CONSUMER";
            String state = listing.groupState().map(Enum::name).orElse("UNKNOWN");
            groups.add(new GroupView(listing.groupId(), kind, state, lags.stream().mapToLong(PartitionLag::lag).sum(), lags));
        }
        groups.sort(Comparator.comparing(GroupView::groupId));
        return groups;
    }
}
