package io.userstream.localstack.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

/** A Spring test context sees the shared servers through Spring Boot's standard properties. */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringJUnitConfig(LocalServersSpringIT.Empty.class)
class LocalServersSpringIT {

    @Configuration
    static class Empty {
    }

    @Autowired
    Environment environment;

    @Test
    void springPropertiesPointAtTheRunningServers(LocalStack stack) {
        assertThat(environment.getProperty("spring.kafka.bootstrap-servers")).isEqualTo(stack.kafkaBootstrapServers());
        assertThat(environment.getProperty("spring.kafka.properties.schema.registry.url")).isEqualTo(stack.schemaRegistryUrl());
        // No service's name: the Kafka super user's login (a service under test gets its own principal).
        assertThat(environment.getProperty("spring.kafka.security.protocol")).isEqualTo("SASL_PLAINTEXT");
        assertThat(environment.getProperty("spring.kafka.properties.sasl.jaas.config"))
                .isEqualTo(stack.kafkaLogins().admin().jaasConfig()).contains("username=\"admin\"");
        // ingest-service's database and its own role, never the superuser.
        assertThat(environment.getProperty("spring.datasource.url")).isEqualTo(stack.postgresJdbcUrl("ingest"));
        assertThat(environment.getProperty("spring.datasource.username")).isEqualTo("ingest");
        assertThat(environment.getProperty("spring.datasource.password")).isEqualTo(stack.postgresLogins().ingest().password()).isNotBlank();
        assertThat(environment.getProperty("userstream.security.users.operator.password")).isEqualTo(stack.apiLogins().operator().password());
        // Cassandra was not asked for by this class, so no property points at it.
        assertThat(environment.getProperty("spring.cassandra.contact-points")).isNull();
        assertThat(stack.isRunning(ServerKind.POSTGRES)).isTrue();
    }
}
