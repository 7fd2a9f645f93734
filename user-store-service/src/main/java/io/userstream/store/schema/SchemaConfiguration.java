package io.userstream.store.schema;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import org.springframework.boot.cassandra.autoconfigure.DriverConfigLoaderBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.ResourcePatternResolver;

/** Driver settings the service depends on, and the keyspace migrated before anything uses it. */
@Configuration(proxyBeanMethods = false)
class SchemaConfiguration {

    @Bean
    DriverConfigLoaderBuilderCustomizer storeDriverSettings(CassandraStoreProperties properties) {
        return builder -> builder
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, properties.schemaDebounceWindow())
                // The driver's default (60 s) would leave the consumer idle for up to a minute after Cassandra returns.
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, properties.reconnectMaxDelay());
    }

    @Bean
    MigratedKeyspace migratedKeyspace(CqlSession session, CassandraStoreProperties properties, ResourcePatternResolver resolver) {
        if (properties.migrate()) {
            CqlMigrations.load(resolver, properties.migrationsLocation())
                    .apply(session, properties.keyspace(), properties.replication(), properties.schemaTimeout());
        }
        return new MigratedKeyspace(properties.keyspace());
    }
}
