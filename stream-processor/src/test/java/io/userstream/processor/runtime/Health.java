package io.userstream.processor.runtime;

import io.userstream.localstack.ApiLogin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** GET /actuator/health of an instance as an API user (details are for logged-in callers only): its HTTP status and body. */
record Health(int status, JsonNode body) {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Health of(String port, ApiLogin login) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                        .header("Authorization", login.basicAuthorization()).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Health(response.statusCode(), JSON.readTree(response.body()));
    }

    /** {@code status} of one component, e.g. kafka or kafkaStreams ("MISSING" if there is no such component). */
    String componentStatus(String component) {
        return body.at("/components/" + component + "/status").asString("MISSING");
    }

    String detail(String component, String pointer) {
        return body.at("/components/" + component + "/details" + pointer).asString("");
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
