package io.userstream.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Apicurio Registry 2.6, which serves Confluent's Schema Registry REST API under
 * {@value #CONFLUENT_API_PATH}. Its storage is an H2 file in the state folder, written at every commit, so schema
 * ids survive a restart or a kill -9 just as the Kafka records that carry them do (a cluster runs one registry: its
 * loss stops new schemas, not the records, whose schemas the serdes cache).
 */
record RegistryServer(Path home, Ports ports, Distributions distributions) implements LocalServer {

    static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Override
    public int clientPort() {
        return ports.registry();
    }

    @Override
    public ServerKind kind() {
        return ServerKind.REGISTRY;
    }

    @Override
    public void requireInstalled() {
        distributions.registryRunnerJar();
    }

    @Override
    public void prepare() throws IOException {
        Files.createDirectories(home.resolve("data"));
    }

    @Override
    public List<String> command() {
        return List.of(
                LocalServer.javaExecutable().toString(),
                "-Xms64m", "-Xmx256m",
                "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + ports.registry(),
                // Confluent's registry defaults to BACKWARD; Apicurio's default is NONE.
                "-Dregistry.rules.global.compatibility=BACKWARD",
                "-D%prod.quarkus.datasource.jdbc.min-size=2",
                "-D%prod.quarkus.datasource.jdbc.initial-size=2",
                // Agroal's default of 5 s to get a connection failed the registry's start-up on a machine busy
                // with several stacks ("Acquisition timeout while waiting for new connection").
                "-D%prod.quarkus.datasource.jdbc.acquisition-timeout=60S",
                "-Dquarkus.log.console.json=false",
                "-jar", distributions.registryRunnerJar().toString());
    }

    @Override
    public Map<String, String> environment() {
        // WRITE_DELAY=0: a commit is in the file before the registry answers (H2 otherwise writes it up to 0.5 s later), so
        // a schema id handed to a producer survives a kill -9 of the registry.
        return Map.of("REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + home.resolve("data/registry") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
    }

    @Override
    public boolean answers() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(3))
                .GET()
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String confluentApiUrl() {
        return "http://127.0.0.1:" + ports.registry() + CONFLUENT_API_PATH;
    }
}
