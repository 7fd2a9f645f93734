package io.userstream.localstack;

/** A port a server needs is already bound by another process. */
public final class PortInUseException extends LocalStackException {

    private final ServerKind server;
    private final int port;

    PortInUseException(ServerKind server, int port) {
        this(server, "127.0.0.1", port);
    }

    PortInUseException(ServerKind server, String address, int port) {
        super("Port " + port + " on " + address + ", needed by " + server.displayName()
                + ", is already in use. Stop whatever listens there (`ss -ltnp | grep :" + port + "`) or choose another port.");
        this.server = server;
        this.port = port;
    }

    public ServerKind server() {
        return server;
    }

    public int port() {
        return port;
    }
}
