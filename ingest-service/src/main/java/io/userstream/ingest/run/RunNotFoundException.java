package io.userstream.ingest.run;

import java.util.UUID;

public class RunNotFoundException extends RuntimeException {

    public RunNotFoundException(UUID id) {
        super("No ingestion run with id " + id);
    }
}
