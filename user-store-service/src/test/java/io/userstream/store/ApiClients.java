package io.userstream.store;

import io.userstream.localstack.ApiLogin;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Test clients that call the service as one of the stack's API logins (HTTP Basic). */
public final class ApiClients {

    private ApiClients() {
    }

    /** {@code web} (its base URL, timeout, codecs) sending {@code login} with every request. */
    public static WebTestClient as(WebTestClient web, ApiLogin login) {
        return web.mutate().defaultHeaders(headers -> headers.setBasicAuth(login.username(), login.password())).build();
    }
}
