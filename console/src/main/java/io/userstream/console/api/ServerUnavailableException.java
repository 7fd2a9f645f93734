package io.userstream.console.api;

/** A server the console asked did not answer: 503, naming it, so the page can say which. */
public class ServerUnavailableException extends RuntimeException {

    private final String server;

    public ServerUnavailableException(String server, String url, Throwable cause) {
        super(server + " (" + url + ") did not answer: " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        this.server = server;
    }

    /** The server answered, but refused the console's own login ({@code userstream.console.services-login}). */
    public static ServerUnavailableException refusedLogin(String server, String url, int status) {
        return new ServerUnavailableException(server, server + " (" + url + ") refused the console's login (HTTP " + status
                + "): set userstream.console.services-login to a user of it");
    }

    private ServerUnavailableException(String server, String message) {
        super(message);
        this.server = server;
    }

    public String server() {
        return server;
    }
}
