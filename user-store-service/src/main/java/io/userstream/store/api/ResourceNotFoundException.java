package io.userstream.store.api;

/** Nothing stored under the requested key; answered with 404. */
public class ResourceNotFoundException extends RuntimeException {

    private final String parameter;

    public ResourceNotFoundException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
