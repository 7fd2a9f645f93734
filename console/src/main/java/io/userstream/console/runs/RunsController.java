package io.userstream.console.runs;

import io.userstream.console.ConsoleProperties;
import io.userstream.console.api.ServerUnavailableException;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The runs' funnels, and resume of a failed run: ingest-service's own resume, asked with the caller's own
 * credentials (its {@code Authorization} header, forwarded), so ingest-service decides whether the caller may, and
 * its answer passed on.
 */
@RestController
class RunsController {

    private final RunFunnels funnels;
    private final WebClient http;
    private final ConsoleProperties properties;

    RunsController(RunFunnels funnels, WebClient.Builder http, ConsoleProperties properties) {
        this.funnels = funnels;
        this.http = http.build();
        this.properties = properties;
    }

    @GetMapping("/api/v1/runs")
    RunFunnels.Runs runs() {
        return funnels.latest();
    }

    @PostMapping("/api/v1/runs/{runId}/resume")
    Mono<ResponseEntity<JsonNode>> resume(@PathVariable UUID runId, @RequestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
        return http.post().uri(properties.ingestUrl().resolve("/api/v1/ingestions/" + runId + "/resume"))
                .header(HttpHeaders.AUTHORIZATION, authorization)
                // Its status and body only: a challenge of ingest-service's (WWW-Authenticate) is not the console's own.
                .exchangeToMono(response -> response.toEntity(JsonNode.class).map(answer -> {
                    ResponseEntity.BodyBuilder passedOn = ResponseEntity.status(answer.getStatusCode());
                    if (answer.getHeaders().getContentType() != null) {
                        passedOn.contentType(answer.getHeaders().getContentType());
                    }
                    return passedOn.body(answer.getBody());
                }))
                .timeout(properties.requestTimeout().multipliedBy(5))
                .onErrorMap(e -> !(e instanceof ServerUnavailableException),
                        e -> new ServerUnavailableException("ingest-service", properties.ingestUrl().toString(), e));
    }
}
