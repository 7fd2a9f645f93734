package io.userstream.console.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.console.ConsoleProperties;
import io.userstream.console.ConsoleProperties.ServicesLogin;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/** The services login goes to the three services only, and never replaces a header a request already has. */
class ServicesLoginCustomizerTest {

    private static final ServicesLogin LOGIN = new ServicesLogin("reader", "secret");

    private final List<ClientRequest> sent = new ArrayList<>();

    @Test
    void sendsTheLoginToTheServicesOnly() {
        WebClient http = client(LOGIN);
        get(http, "http://127.0.0.1:8082/api/v1/ingestions");
        get(http, "http://127.0.0.1:8083/api/v1/users/x");
        get(http, "http://127.0.0.1:8084/actuator/health");
        get(http, "http://127.0.0.1:8081/apis/ccompat/v7/subjects");
        get(http, "http://127.0.0.1:8080/api/v2/monitor/health");
        get(http, "http://localhost:8082/api/v1/ingestions");

        assertThat(sent).extracting(request -> request.headers().getFirst(HttpHeaders.AUTHORIZATION))
                .containsExactly(LOGIN.basicAuthorization(), LOGIN.basicAuthorization(), LOGIN.basicAuthorization(),
                        null, null, null);
        assertThat(LOGIN.basicAuthorization()).isEqualTo("Basic cmVhZGVyOnNlY3JldA==");
    }

    @Test
    void keepsAnAuthorizationTheRequestCarries() {
        WebClient http = client(LOGIN);
        http.post().uri("http://127.0.0.1:8082/api/v1/ingestions/x/resume").header(HttpHeaders.AUTHORIZATION, "Basic b3A6cA==")
                .retrieve().toBodilessEntity().block(Duration.ofSeconds(5));
        assertThat(sent.get(0).headers().get(HttpHeaders.AUTHORIZATION)).containsExactly("Basic b3A6cA==");
    }

    @Test
    void sendsNothingWithoutALogin() {
        get(client(null), "http://127.0.0.1:8082/api/v1/ingestions");
        assertThat(sent.get(0).headers().containsHeader(HttpHeaders.AUTHORIZATION)).isFalse();
    }

    @Test
    void neverShowsThePassword() {
        assertThat(LOGIN.toString()).doesNotContain("secret").contains("reader");
    }

    private WebClient client(ServicesLogin login) {
        WebClient.Builder builder = WebClient.builder().exchangeFunction(request -> {
            sent.add(request);
            return Mono.just(ClientResponse.create(HttpStatus.OK).build());
        });
        new ServicesLoginCustomizer(properties(login)).customize(builder);
        return builder.build();
    }

    private static void get(WebClient http, String url) {
        http.get().uri(url).retrieve().toBodilessEntity().block(Duration.ofSeconds(5));
    }

    private static ConsoleProperties properties(ServicesLogin login) {
        return new ConsoleProperties(URI.create("http://127.0.0.1:8082"), URI.create("http://127.0.0.1:8083"),
                URI.create("http://127.0.0.1:8084"), URI.create("http://127.0.0.1:8080"), "stream-processor",
                Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofSeconds(2), Duration.ofSeconds(1), 20, 100,
                new ConsoleProperties.Topics("users_redrive_audit"), login);
    }
}
