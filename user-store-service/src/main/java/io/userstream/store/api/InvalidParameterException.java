package io.userstream.store.api;

/** A request parameter the API cannot accept; answered with 400 naming {@link #parameter()}. */
public class InvalidParameterException extends RuntimeException {

    private final String parameter;

    public InvalidParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
