package io.userstream.schema.topic;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/** One topic as it must be: created so when missing, compared with what exists otherwise. */
public record TopicSpec(String name, int partitions, short replicationFactor, int minInsyncReplicas, Duration retention) {

    NewTopic newTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(Map.of(
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas),
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis())));
    }
}
