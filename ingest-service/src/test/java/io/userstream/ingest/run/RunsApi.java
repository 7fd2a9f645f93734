package io.userstream.ingest.run;

import org.awaitility.Awaitility;

import io.userstream.ingest.api.RunView;
import io.userstream.localstack.ApiLogin;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The runs API of a running instance, called as one of the stack's API users. */
final class RunsApi {

    private final WebTestClient web;

    RunsApi(int port, ApiLogin login) {
        this.web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(30))
                .defaultHeaders(headers -> headers.setBasicAuth(login.username(), login.password())).build();
    }

    UUID start(String body) {
        return web.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody().id();
    }

    RunView get(UUID id) {
        return web.get().uri("/api/v1/ingestions/{id}", id).exchange()
                .expectStatus().isOk().expectBody(RunView.class).returnResult().getResponseBody();
    }

    RunView await(UUID id, Predicate<RunView> condition) {
        return Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> get(id), condition::test);
    }

    RunView awaitFinished(UUID id) {
        return await(id, run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));
    }
}
