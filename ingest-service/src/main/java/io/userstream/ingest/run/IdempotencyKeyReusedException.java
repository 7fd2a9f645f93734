package io.userstream.ingest.run;

import java.util.UUID;

/** An Idempotency-Key already used for a run of a different request (IETF draft: 422). */
public class IdempotencyKeyReusedException extends RuntimeException {

    private final String idempotencyKey;
    private final UUID runId;

    public IdempotencyKeyReusedException(String idempotencyKey, UUID runId) {
        super("Idempotency-Key '" + idempotencyKey + "' was already used for run " + runId
                + " with a different request; use a new key for a different request");
        this.idempotencyKey = idempotencyKey;
        this.runId = runId;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    public UUID runId() {
        return runId;
    }
}
