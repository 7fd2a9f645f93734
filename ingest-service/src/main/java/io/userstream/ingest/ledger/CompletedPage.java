package io.userstream.ingest.ledger;

import java.util.List;

/** A page whose usable users were all acknowledged; {@code failures} are its unusable users with reasons. */
public record CompletedPage(int number, int fetched, int published, List<Failure> failures) {

    public record Failure(int position, String reason) {
    }
}
