package io.userstream.localstack.test;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Points a Spring test context at the shared servers through Spring Boot's standard properties,
 * ahead of every other property source.
 */
final class LocalServersContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        Set<ServerKind> kinds = LocalServersExtension.requested(testClass);
        return kinds.isEmpty() ? null : new LocalServersContextCustomizer(kinds);
    }

    /** Equal for equal server sets, so Spring's context cache shares contexts between such classes. */
    private record LocalServersContextCustomizer(Set<ServerKind> kinds) implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            LocalStack stack = SharedLocalStack.ensureStarted(kinds);
            // The application's configuration is loaded by now: its name says whose Kafka principal it gets.
            String application = context.getEnvironment().getProperty("spring.application.name");
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("localServers", springProperties(stack, application)));
        }

        private Map<String, Object> springProperties(LocalStack stack, String application) {
            Map<String, Object> properties = new LinkedHashMap<>(stack.springProperties(kinds));
            // With PostgreSQL: ingest-service's own role and password (spring.datasource.username/password), not the superuser's.
            properties.putAll(stack.springCredentials(kinds));
            // The stack's API users, so a service under test accepts the logins its tests call it with.
            properties.putAll(stack.apiLogins().springProperties());
            if (kinds.contains(ServerKind.CASSANDRA)) {
                properties.putAll(stack.cassandraLogins().storeSpringProperties());
            }
            if (kinds.contains(ServerKind.KAFKA)) {
                // A service under test logs in as itself, with only its ACLs; any other application as the admin.
                properties.putAll(stack.kafkaLogins().forApplication(application).springProperties());
            }
            return properties;
        }
    }
}
