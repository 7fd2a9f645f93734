package io.userstream.ingest.publish;

import java.util.concurrent.TimeUnit;
import java.time.Duration;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;

/** The users_created topic (created at start-up by KafkaAdmin) and the Kafka health check. */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

    @Bean
    NewTopic usersCreatedTopic(PublishProperties properties) {
        return TopicBuilder.name(properties.topic())
                .partitions(properties.partitions())
                .replicas(properties.replicationFactor())
                .build();
    }

    @Bean(destroyMethod = "close")
    AdminClient kafkaHealthAdminClient(KafkaAdmin admin) {
        return AdminClient.create(admin.getConfigurationProperties());
    }

    /** "kafka" in /actuator/health: UP when the cluster answers a describe-cluster request in time. */
    @Bean
    HealthIndicator kafkaHealthIndicator(AdminClient kafkaHealthAdminClient, PublishProperties properties) {
        return () -> {
            Duration timeout = properties.healthTimeout();
            try {
                DescribeClusterResult cluster = kafkaHealthAdminClient.describeCluster(
                        new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
                String clusterId = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                int brokers = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
                return Health.up().withDetail("clusterId", clusterId).withDetail("brokers", brokers).build();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Health.down(e).build();
            } catch (Exception e) {
                return Health.down(e).build();
            }
        };
    }
}
