package io.userstream.ingest.fetch;

import io.userstream.schema.IngestSource;

/** Where a run takes its users from; {@link #id()} is the name used by the REST API and the ledger. */
public enum SourceKind {
    RANDOMUSER("randomuser", IngestSource.RANDOMUSER),
    FAKER("faker", IngestSource.FAKER);

    private final String id;
    private final IngestSource avro;

    SourceKind(String id, IngestSource avro) {
        this.id = id;
        this.avro = avro;
    }

    public String id() {
        return id;
    }

    public IngestSource avro() {
        return avro;
    }

    public static SourceKind fromId(String id) {
        for (SourceKind kind : values()) {
            if (kind.id.equals(id)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown source: " + id);
    }
}
