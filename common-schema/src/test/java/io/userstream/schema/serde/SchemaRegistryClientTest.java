package io.userstream.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;
import io.userstream.schema.UserStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Error paths a real registry does not produce on demand (garbage, 500s, no listener). What the real
 * registry answers is covered by AvroSerdeIT.
 */
class SchemaRegistryClientTest {

    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void unreachableRegistryIsNamedInTheException() throws IOException {
        String url = "http://127.0.0.1:" + AvroSerdeTest.closedPort() + "/apis/ccompat/v7";
        SchemaRegistryClient client = new SchemaRegistryClient(url, Duration.ofSeconds(2));

        assertThatThrownBy(() -> client.register("user_stats-value", UserStats.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.registryUrl()).isEqualTo(url);
                    assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NONE);
                })
                .hasMessageContaining(url)
                .hasMessageContaining("unreachable")
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void serverErrorWithAnHtmlBodyKeepsStatusAndBody() throws IOException {
        String url = serve(500, "text/html", "<html><body>Internal Server Error</body></html>");
        SchemaRegistryClient client = new SchemaRegistryClient(url);

        assertThatThrownBy(() -> client.register("user_stats-value", UserStats.getClassSchema()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(500);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NONE);
                    assertThat(e.registryMessage()).contains("Internal Server Error");
                })
                .hasMessageContaining(url)
                .hasMessageContaining("HTTP 500");
    }

    @Test
    void failuresAreNotCachedSoTheNextCallAsksAgain() throws IOException {
        SchemaRegistryClient client = new SchemaRegistryClient(serve(500, "text/plain", "down"));

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> client.getById(7)).isInstanceOf(SchemaRegistryException.class);
        }

        assertThat(client.requestsSent()).isEqualTo(2);
    }

    @Test
    void successWithoutTheExpectedJsonIsAnUnexpectedAnswer() throws IOException {
        SchemaRegistryClient registerClient = new SchemaRegistryClient(serve(200, "text/plain", "OK"));

        assertThatThrownBy(() -> registerClient.register("user_stats-value", UserStats.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unexpected answer");
        stopServer();
        SchemaRegistryClient getClient = new SchemaRegistryClient(serve(200, "application/json", "{\"schema\": \"not avro\"}"));
        assertThatThrownBy(() -> getClient.getById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not an Avro schema");
    }

    @Test
    void onlyHttpUrlsAreAccepted() {
        assertThatThrownBy(() -> new SchemaRegistryClient("mock://scope")).isInstanceOf(IllegalArgumentException.class);
    }

    private String serve(int status, String contentType, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
    }
}
