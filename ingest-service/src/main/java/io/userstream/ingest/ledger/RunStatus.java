package io.userstream.ingest.ledger;

/** Life of an ingestion run: PENDING → RUNNING → SUCCEEDED or FAILED; a FAILED run may be resumed. */
public enum RunStatus {
    PENDING, RUNNING, SUCCEEDED, FAILED
}
