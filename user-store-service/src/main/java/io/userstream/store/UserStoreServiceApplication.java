package io.userstream.store;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Consumes processed users and stats from Kafka, stores them in Cassandra, counts each ingestion
 * run's dead letters read back from the DLQ topic, and serves all of it over REST.
 * Stages, in the direction data moves: {@code schema} (keyspace migrations), {@code consume}
 * (Kafka batches, decoding, dead letters), {@code write} (idempotent Cassandra upserts),
 * {@code query} (reactive reads) and {@code api} (HTTP).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class UserStoreServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(UserStoreServiceApplication.class, args);
    }
}
