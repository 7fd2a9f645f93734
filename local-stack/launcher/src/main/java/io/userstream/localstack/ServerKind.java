package io.userstream.localstack;

/** The servers local-stack can run, with the ports they listen on by default (the Docker Compose host ports). */
public enum ServerKind {
    KAFKA("kafka", 9092),
    REGISTRY("schema-registry", 8081),
    CASSANDRA("cassandra", 9042),
    POSTGRES("postgres", 5432),
    /** Airflow 3 (api-server with UI, scheduler, dag-processor, triggerer) on the local PostgreSQL. */
    AIRFLOW("airflow", 8080);

    private final String displayName;
    private final int defaultPort;

    ServerKind(String displayName, int defaultPort) {
        this.displayName = displayName;
        this.defaultPort = defaultPort;
    }

    /** Name used in logs, state folders and the {@code pipeline} command. */
    public String displayName() {
        return displayName;
    }

    /** The client-facing port when nothing else is configured. */
    public int defaultPort() {
        return defaultPort;
    }

    public static ServerKind fromDisplayName(String name) {
        for (ServerKind kind : values()) {
            if (kind.displayName.equals(name) || kind.name().equalsIgnoreCase(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown server '" + name + "'; known: kafka, schema-registry, cassandra, postgres, airflow");
    }
}
