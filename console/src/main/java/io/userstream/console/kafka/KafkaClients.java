package io.userstream.console.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The console's Kafka clients, configured from Spring Boot's {@code spring.kafka.*}: one shared admin client for
 * sampling, and consumers that are assigned partitions (never a group: the console commits nothing).
 */
@Component
public class KafkaClients implements DisposableBean {

    private final KafkaProperties kafka;
    private final Admin admin;

    public KafkaClients(KafkaProperties kafka) {
        this.kafka = kafka;
        Map<String, Object> config = new HashMap<>(kafka.buildAdminProperties());
        // Sampling runs every second: a broker that does not answer shows as such after 3 s instead of the
        // default minute, and the next sample tries again.
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
        config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "console-admin");
        this.admin = Admin.create(config);
    }

    public Admin admin() {
        return admin;
    }

    /** A consumer with no group, for {@code assign}/{@code seek}; read_committed as configured. */
    public <V> KafkaConsumer<String, V> consumer(String clientId, Deserializer<V> values) {
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // Looking at a topic must not create it: a broker that auto-creates topics would make it with its defaults
        // (one partition, no chosen retention) before the services that own it declare it.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), values);
    }

    /** The registry's Confluent-compatible base URL, shared with the services' serdes. */
    public String schemaRegistryUrl() {
        return kafka.getProperties().get("schema.registry.url");
    }

    @Override
    public void destroy() {
        admin.close();
    }
}
