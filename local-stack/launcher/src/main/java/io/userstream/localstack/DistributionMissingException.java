package io.userstream.localstack;

import java.nio.file.Path;

/** A server's files are not laid out yet: the Maven build of local-stack has not run. */
public final class DistributionMissingException extends LocalStackException {

    DistributionMissingException(ServerKind server, Path expected) {
        super("The " + server.displayName() + " distribution is missing at " + expected
                + ". Build it with: ./mvnw -pl local-stack/launcher -am package -DskipTests");
    }

    DistributionMissingException(String message) {
        super(message);
    }
}
