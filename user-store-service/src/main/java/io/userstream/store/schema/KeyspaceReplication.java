package io.userstream.store.schema;

import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A keyspace's replication as a map, compared by meaning: strategy class by its short name, counts as numbers.
 * {@code NetworkTopologyStrategy} with {@code replication_factor} means that count in every data centre.
 */
record KeyspaceReplication(String strategy, Map<String, String> options) {

    private static final String LOCATOR_PACKAGE = "org.apache.cassandra.locator.";
    private static final Pattern ENTRY = Pattern.compile("'([^']+)'\\s*:\\s*(?:'([^']*)'|([0-9]+))");

    /** From the CQL map of {@code userstream.store.cassandra.replication}, e.g. {@code {'class': 'SimpleStrategy', 'replication_factor': 1}}. */
    static KeyspaceReplication parse(String cqlMap) {
        Map<String, String> entries = new TreeMap<>();
        Matcher matcher = ENTRY.matcher(cqlMap);
        while (matcher.find()) {
            entries.put(matcher.group(1), matcher.group(2) != null ? matcher.group(2) : matcher.group(3));
        }
        return of(entries);
    }

    /** What Cassandra holds for the keyspace. */
    static KeyspaceReplication of(KeyspaceMetadata keyspace) {
        return of(keyspace.getReplication());
    }

    private static KeyspaceReplication of(Map<String, String> entries) {
        Map<String, String> options = new TreeMap<>(entries);
        String strategy = options.remove("class");
        if (strategy == null) {
            throw new IllegalArgumentException("A replication map needs a 'class': " + entries);
        }
        return new KeyspaceReplication(strategy.startsWith(LOCATOR_PACKAGE) ? strategy.substring(LOCATOR_PACKAGE.length()) : strategy,
                options);
    }

    /** True when the configured replication (this) is what {@code existing} holds. */
    boolean isSatisfiedBy(KeyspaceReplication existing) {
        if (!strategy.equals(existing.strategy)) {
            return false;
        }
        if (strategy.equals("NetworkTopologyStrategy") && options.keySet().equals(java.util.Set.of("replication_factor"))) {
            // Cassandra expands it into one entry per data centre when the keyspace is created.
            String count = options.get("replication_factor");
            return !existing.options.isEmpty() && existing.options.values().stream().allMatch(count::equals);
        }
        return options.equals(existing.options);
    }

    @Override
    public String toString() {
        StringBuilder cql = new StringBuilder("{'class': '").append(strategy).append('\'');
        options.forEach((key, value) -> cql.append(", '").append(key).append("': ").append(value));
        return cql.append('}').toString();
    }
}
