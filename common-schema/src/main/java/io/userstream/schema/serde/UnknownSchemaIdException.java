package io.userstream.schema.serde;

/** The record names a schema id the registry does not know (HTTP 404 on {@code GET /schemas/ids/{id}}). */
public final class UnknownSchemaIdException extends UndecodableRecordException {

    private final int schemaId;

    public UnknownSchemaIdException(int schemaId, String registryUrl, Throwable cause) {
        super("Schema id " + schemaId + " is unknown to the schema registry at " + registryUrl, cause);
        this.schemaId = schemaId;
    }

    public int schemaId() {
        return schemaId;
    }
}
