package io.userstream.localstack;

/** Why a local server could not be started, checked or stopped; the message is meant for a person. */
public sealed class LocalStackException extends RuntimeException
        permits PortInUseException, ServerStartException, DistributionMissingException {

    LocalStackException(String message) {
        super(message);
    }

    LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
