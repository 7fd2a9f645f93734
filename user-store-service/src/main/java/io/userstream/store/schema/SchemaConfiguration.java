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

    /**
     * The keyspace migrated, then its replication compared with the setting: CREATE KEYSPACE IF NOT EXISTS applies the
     * setting only when it creates the keyspace, so a changed setting would otherwise be ignored without a word.
     */
    @Bean
    MigratedKeyspace migratedKeyspace(CqlSession session, CassandraStoreProperties properties, ResourcePatternResolver resolver) {
        if (properties.migrate()) {
            CqlMigrations.load(resolver, properties.migrationsLocation())
                    .apply(session, properties.keyspace(), properties.replication(), properties.schemaTimeout());
        }
        checkReplication(session, properties);
        return new MigratedKeyspace(properties.keyspace());
    }

    static void checkReplication(CqlSession session, CassandraStoreProperties properties) {
        String keyspace = properties.keyspace();
        KeyspaceReplication configured = KeyspaceReplication.parse(properties.replication());
        KeyspaceReplication existing = session.refreshSchema().getKeyspace(keyspace).map(KeyspaceReplication::of)
                .orElseThrow(() -> new KeyspaceReplicationException("Keyspace " + keyspace + " does not exist"
                        + (properties.migrate() ? "" : " (userstream.store.cassandra.migrate=false: another instance or a job creates it)")));
        if (!configured.isSatisfiedBy(existing)) {
            throw new KeyspaceReplicationException("Keyspace " + keyspace + " has replication " + existing
                    + ", userstream.store.cassandra.replication is " + configured + ". Userstream does not change a keyspace's"
                    + " replication: run ALTER KEYSPACE " + keyspace + " WITH replication = " + configured
                    + "; then nodetool repair --full " + keyspace + " on every node (docs/operations.md), or set the property to match");
        }
    }
}
