package io.userstream.ingest.publish;

import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import io.userstream.schema.topic.TopicLayout;
import io.userstream.schema.topic.TopicLayoutCheck;
import java.util.List;
import org.springframework.kafka.core.KafkaAdmin;

/** The users_created topic (checked at start-up), the producer's outage budget and the Kafka health check. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TopicLayout.class)
class KafkaConfiguration {

    /** users_created as userstream.topics lays it out: created when missing, checked before the producer sends. */
    @Bean
    TopicLayoutCheck topicLayoutCheck(KafkaAdmin admin, TopicLayout topics) {
        return new TopicLayoutCheck(admin.getConfigurationProperties(), topics.checkTimeout(), List.of(topics.usersCreatedTopic()));
    }

    /**
     * The outage budget decides how long the producer waits for an absent broker: max.block.ms (metadata,
     * buffer space) and delivery.timeout.ms (acknowledgement, retries included). A request must fit in
     * the delivery timeout, so request.timeout.ms is capped too.
     */
    @Bean
    DefaultKafkaProducerFactoryCustomizer outageBudgetProducerSettings(PublishProperties properties) {
        return factory -> {
            Map<String, Object> configs = factory.getConfigurationProperties();
            long budget = properties.outageBudget().toMillis();
            long linger = longConfig(configs, ProducerConfig.LINGER_MS_CONFIG, 5);
            long requestTimeout = Math.min(longConfig(configs, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000),
                    budget - linger);
            if (requestTimeout < 1) {
                throw new IllegalStateException(PublishProperties.OUTAGE_BUDGET_SETTING + " (" + budget
                        + " ms) must be longer than linger.ms (" + linger + " ms)");
            }
            factory.updateConfigs(Map.of(
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, budget,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, budget),
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout));
        };
    }

    private static long longConfig(Map<String, Object> configs, String name, long absent) {
        Object value = configs.get(name);
        return value == null ? absent : Long.parseLong(value.toString());
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
