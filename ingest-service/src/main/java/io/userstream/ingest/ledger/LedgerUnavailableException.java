package io.userstream.ingest.ledger;

/** PostgreSQL stayed unreachable for longer than the ledger's outage budget. */
public class LedgerUnavailableException extends RuntimeException {

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
