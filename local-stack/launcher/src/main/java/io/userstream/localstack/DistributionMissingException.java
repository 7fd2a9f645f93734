package io.userstream.localstack;

import java.nio.file.Path;

/** A server's files or a service's jar are not there yet: the Maven build has not run. */
public final class DistributionMissingException extends LocalStackException {

    DistributionMissingException(ServerKind server, Path expected) {
        super("The " + server.displayName() + " distribution is missing at " + expected
                + ". Build it with: ./mvnw -pl local-stack/launcher -am package -DskipTests");
    }

    DistributionMissingException(String message) {
        super(message);
    }

    static DistributionMissingException serviceJar(ServerKind service, Path expected) {
        return new DistributionMissingException("The " + service.displayName() + " jar is missing at " + expected
                + ". Build it with: ./mvnw -q -pl " + service.displayName() + " -am package -DskipTests"
                + " (./pipeline up builds what is missing)");
    }
}
