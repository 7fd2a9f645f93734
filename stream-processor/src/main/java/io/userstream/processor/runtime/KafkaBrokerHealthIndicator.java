package io.userstream.processor.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.userstream.processor.ProcessorProperties;

import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Actuator's {@code kafka} component: UP when the broker describes its cluster within the broker timeout.
 * The Streams client's state does not show an unreachable broker: it stays RUNNING while its threads retry.
 */
@Component("kafka")
class KafkaBrokerHealthIndicator implements ReactiveHealthIndicator, DisposableBean {

    private final Duration timeout;
    private final AdminClient admin;

    KafkaBrokerHealthIndicator(KafkaAdmin kafkaAdmin, ProcessorProperties properties) {
        this.timeout = properties.health().brokerTimeout();
        Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.admin = AdminClient.create(config);
    }

    @Override
    public Mono<Health> health() {
        DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
        return Mono.fromFuture(cluster.clusterId().toCompletionStage().toCompletableFuture())
                .zipWith(Mono.fromFuture(cluster.nodes().toCompletionStage().toCompletableFuture()))
                .map(idAndNodes -> Health.up()
                        .withDetail("clusterId", idAndNodes.getT1())
                        .withDetail("nodes", idAndNodes.getT2().size())
                        .build())
                .timeout(timeout.plusSeconds(1))
                .onErrorResume(e -> Mono.just(Health.down(e)
                        .withDetail("reason", "broker did not describe its cluster within " + timeout)
                        .build()));
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(1));
    }
}
