package io.userstream.ingest.fetch;

import io.userstream.schema.UserCreated;

/** A user as a source delivered it: usable as a {@link UserCreated}, or unusable with the reason. */
public sealed interface FetchedUser {

    /** Position within its page, from 0. */
    int position();

    record Usable(int position, UserCreated user) implements FetchedUser {
    }

    record Unusable(int position, String reason) implements FetchedUser {
    }
}
