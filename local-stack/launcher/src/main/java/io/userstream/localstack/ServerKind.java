package io.userstream.localstack;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What local-stack can run: the servers, Airflow and our four Spring Boot services. Their ports
 * are in {@link Ports}. Requirements come before dependents.
 */
public enum ServerKind {
    KAFKA("kafka"),
    REGISTRY("schema-registry"),
    CASSANDRA("cassandra"),
    POSTGRES("postgres"),
    /** Airflow 3 (api-server with UI, scheduler, dag-processor) on the local PostgreSQL. */
    AIRFLOW("airflow"),
    /** ingest-service's jar: needs Kafka, the registry and PostgreSQL. */
    INGEST("ingest-service"),
    /** stream-processor's jar: needs Kafka and the registry. */
    PROCESSOR("stream-processor"),
    /** user-store-service's jar: needs Kafka, the registry and Cassandra. */
    STORE("user-store-service"),
    /**
     * The console's jar: needs Kafka and the registry. It only reads the other services over HTTP and shows
     * them as down while they are, so it does not require them.
     */
    CONSOLE("console");

    private final String displayName;

    ServerKind(String displayName) {
        this.displayName = displayName;
    }

    /** Name used in logs, state folders and the {@code pipeline} command; for a service also its Maven module. */
    public String displayName() {
        return displayName;
    }

    /** True for our own services (a Spring Boot jar built by this project), false for third-party servers. */
    public boolean isService() {
        return this == INGEST || this == PROCESSOR || this == STORE || this == CONSOLE;
    }

    /** Kafka, the registry, Cassandra and PostgreSQL: what the services' integration tests need. */
    public static Set<ServerKind> dataServers() {
        return EnumSet.of(KAFKA, REGISTRY, CASSANDRA, POSTGRES);
    }

    /** ingest-service, stream-processor, user-store-service and the console. */
    public static Set<ServerKind> services() {
        return EnumSet.of(INGEST, PROCESSOR, STORE, CONSOLE);
    }

    public static ServerKind fromDisplayName(String name) {
        for (ServerKind kind : values()) {
            if (kind.displayName.equals(name) || kind.name().equalsIgnoreCase(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown server '" + name + "'; known: "
                + Arrays.stream(values()).map(ServerKind::displayName).collect(Collectors.joining(", ")));
    }
}
