package io.userstream.ingest.ledger;

/** A user a source delivered in an unusable shape: where it was and why it could not be published. */
public record FailedUser(int page, int position, String reason) {
}
