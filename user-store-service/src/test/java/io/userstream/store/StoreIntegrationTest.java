package io.userstream.store;

import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

/**
 * The whole service against real Kafka, schema registry and Cassandra. Every class using this has
 * the same configuration, so they share one application context (and one consumer).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "userstream.store.cassandra.keyspace=userstream_it",
        "userstream.store.cassandra.reconnect-max-delay=1s",
        "userstream.store.kafka.retry-max-interval=2s",
        "spring.kafka.consumer.group-id=user-store-service-it",
        "userstream.store.kafka.dead-letter-group-id=user-store-service-it-dead-letters",
        "spring.kafka.consumer.max-poll-records=200",
        "spring.cassandra.request.timeout=3s"})
@AutoConfigureWebTestClient
public @interface StoreIntegrationTest {
}
