package io.userstream.localstack;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A login of the services' HTTP APIs (HTTP Basic); {@link #toString()} is {@code "operator / <password>"},
 * as printed by {@code ./pipeline up}.
 */
public record ApiLogin(String username, String password) {

    /** The value of an {@code Authorization} header carrying this login. */
    public String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return username + " / " + password;
    }
}
