package io.userstream.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;

/**
 * The console with only Kafka and the registry, the services' addresses pointing at ports nobody listens on:
 * every missing server shows as unreachable with a reason, the views that need one answer 503 naming it, and the
 * page itself still loads. It is called as the stack's reader: everything here is a read.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
class ConsoleWithoutServicesIT {

    @Autowired
    WebTestClient anonymous;

    private WebTestClient console;

    @BeforeEach
    void asReader(LocalStack stack) {
        console = ConsoleIT.as(anonymous, stack.apiLogins().reader());
    }

    @DynamicPropertySource
    static void nobodyListens(DynamicPropertyRegistry registry) throws IOException {
        for (String service : List.of("ingest-url", "store-url", "processor-url", "airflow-url")) {
            String url = "http://127.0.0.1:" + closedPort();
            registry.add("userstream.console." + service, () -> url);
        }
    }

    @Test
    void showsEveryMissingServerAsUnreachableAndNamesItInErrors() throws Exception {
        PipelineFixtures.await("every server probed", Duration.ofSeconds(30), () -> servers().size() == 7);
        JsonNode servers = servers();
        for (JsonNode server : servers) {
            String name = server.path("name").asText();
            String expected = List.of("kafka", "schema-registry").contains(name) ? "UP|SLOW" : "UNREACHABLE";
            assertThat(server.path("status").asText()).as(name).matches(expected);
            if (!expected.startsWith("UP")) {
                assertThat(server.path("detail").asText()).as(name).isNotBlank();
            }
        }

        PipelineFixtures.await("the runs to say why they are missing", Duration.ofSeconds(30),
                () -> get("/api/v1/runs").path("error").asText("").contains("ingest-service"));

        console.get().uri("/api/v1/users/lookup?email=someone@example.com").exchange()
                .expectStatus().isEqualTo(503)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.server").isEqualTo("user-store-service");

        console.get().uri("/").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML);
        console.get().uri("/api/v1/topics").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.topics").isArray();
    }

    private JsonNode servers() {
        return get("/api/v1/servers");
    }

    private JsonNode get(String uri) {
        return console.get().uri(uri).exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
