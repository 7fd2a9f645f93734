package io.userstream.console.api;

/** A server the console asked did not answer: 503, naming it, so the page can say which. */
public class ServerUnavailableException extends RuntimeException {

    private final String server;

    public ServerUnavailableException(String server, String url, Throwable cause) {
        super(server + " (" + url + ") did not answer: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        this.server = server;
    }

    public String server() {
        return server;
    }
}
