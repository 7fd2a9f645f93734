package io.userstream.ingest.run;

import io.userstream.ingest.IngestServiceApplication;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Instances of ingest-service a test starts and stops itself, on the stack's servers, in a ledger schema of its own. */
final class IngestInstances {

    private IngestInstances() {
    }

    /** This stack, the test's own ledger schema and topic, randomuser.me at {@code randomUserUrl}; no secrets. */
    static List<String> settings(LocalStack stack, String schema, String topic, String randomUserUrl) {
        return new ArrayList<>(List.of(
                "spring.kafka.bootstrap-servers=" + stack.kafkaBootstrapServers(),
                "spring.kafka.properties.schema.registry.url=" + stack.schemaRegistryUrl(),
                "spring.datasource.url=" + stack.postgresJdbcUrl(stack.postgresIngestDatabase()),
                "spring.flyway.schemas=" + schema,
                "spring.flyway.default-schema=" + schema,
                "spring.datasource.hikari.schema=" + schema,
                "userstream.topics.users-created=" + topic,
                "ingest.randomuser.base-url=" + randomUserUrl));
    }

    /** The logins, as @LocalServers gives them to a test: API users, ingest's PostgreSQL role and Kafka principal. */
    static Map<String, String> secrets(LocalStack stack) {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("spring.datasource.username", stack.postgresLogins().ingest().username());
        secrets.put("spring.datasource.password", stack.postgresLogins().ingest().password());
        secrets.putAll(stack.apiLogins().springProperties());
        secrets.putAll(stack.kafkaLogins().service(ServerKind.INGEST).springProperties());
        return secrets;
    }

    /** In this JVM on a random port; command-line arguments win over application.yml, as in @SpringBootTest. */
    static ConfigurableApplicationContext startInThisJvm(LocalStack stack, List<String> settings) {
        List<String> arguments = new ArrayList<>(List.of("--server.port=0"));
        settings.forEach(setting -> arguments.add("--" + setting));
        secrets(stack).forEach((name, value) -> arguments.add("--" + name + "=" + value));
        return new SpringApplicationBuilder(IngestServiceApplication.class).run(arguments.toArray(String[]::new));
    }

    static int port(ConfigurableApplicationContext instance) {
        return ((WebServerApplicationContext) instance).getWebServer().getPort();
    }
}
