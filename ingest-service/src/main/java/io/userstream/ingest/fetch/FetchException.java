package io.userstream.ingest.fetch;

/** A page could not be fetched (after retries): the run fails with this message and can be resumed. */
public class FetchException extends RuntimeException {

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
