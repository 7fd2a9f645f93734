package io.userstream.localstack;

/** The servers local-stack can run; their ports are in {@link Ports}. Requirements come before dependents. */
public enum ServerKind {
    KAFKA("kafka"),
    REGISTRY("schema-registry"),
    CASSANDRA("cassandra"),
    POSTGRES("postgres"),
    /** Airflow 3 (api-server with UI, scheduler, dag-processor, triggerer) on the local PostgreSQL. */
    AIRFLOW("airflow");

    private final String displayName;

    ServerKind(String displayName) {
        this.displayName = displayName;
    }

    /** Name used in logs, state folders and the {@code pipeline} command. */
    public String displayName() {
        return displayName;
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
