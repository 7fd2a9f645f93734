package io.userstream.localstack;

import java.nio.file.Path;

/** A server exited or did not answer in time; the message ends with the tail of its log. */
public final class ServerStartException extends LocalStackException {

    private final ServerKind server;

    ServerStartException(ServerKind server, String reason, Path log, String logTail) {
        super(server.displayName() + " did not start: " + reason + "\n--- last lines of " + log + " ---\n" + logTail);
        this.server = server;
    }

    ServerStartException(ServerKind server, String reason) {
        super(server.displayName() + " did not start: " + reason);
        this.server = server;
    }

    ServerStartException(ServerKind server, String reason, Throwable cause) {
        super(server.displayName() + " did not start: " + reason, cause);
        this.server = server;
    }

    public ServerKind server() {
        return server;
    }
}
