package io.userstream.ingest.run;

import io.userstream.ingest.ledger.RunStatus;
import java.util.UUID;

/** Only FAILED runs can be resumed. */
public class RunNotResumableException extends RuntimeException {

    public RunNotResumableException(UUID id, RunStatus status) {
        super("Run " + id + " is " + status + "; only FAILED runs can be resumed");
    }
}
