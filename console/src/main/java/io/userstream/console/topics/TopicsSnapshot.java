package io.userstream.console.topics;

import java.time.Instant;
import java.util.List;

/**
 * Every topic and consumer group as sampled at one moment.
 *
 * @param sampledAt when the sample was taken (the last successful one when Kafka stopped answering)
 * @param error     why the sample is stale, or null when it is current
 */
public record TopicsSnapshot(Instant sampledAt, List<TopicView> topics, List<GroupView> groups, String error) {

    static TopicsSnapshot none(String error) {
        return new TopicsSnapshot(null, List.of(), List.of(), error);
    }

    TopicsSnapshot stale(String why) {
        return new TopicsSnapshot(sampledAt, topics, groups, why);
    }

    /**
     * @param messages          end minus start offsets over the partitions (transaction markers take an offset each,
     *                          so a transactional topic shows slightly more than its records)
     * @param messagesPerSecond offsets added per second since the previous sample
     * @param bytes             size on disk of the topic's partitions (leader replicas), -1 when not known yet
     */
    public record TopicView(String name, List<PartitionView> partitions, long messages, double messagesPerSecond, long bytes) {
    }

    public record PartitionView(int partition, long startOffset, long endOffset, int leader, int replicas) {
    }

    /**
     * @param kind  STREAMS for the stream processor's application, CONSUMER for other groups
     * @param state the broker's view of the group (STABLE, EMPTY, ...)
     * @param lag   records committed to the group's topics but not yet consumed by it, summed
     */
    public record GroupView(String groupId, String kind, String state, long lag, List<PartitionLag> partitions) {
    }

    public record PartitionLag(String topic, int partition, long committed, long end, long lag) {
    }
}
