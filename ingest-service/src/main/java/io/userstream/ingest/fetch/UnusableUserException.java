package io.userstream.ingest.fetch;

/** A user object whose shape cannot become a UserCreated; the message is the reason recorded for it. */
class UnusableUserException extends RuntimeException {

    UnusableUserException(String reason) {
        super(reason, null, false, false);
    }
}
