package io.userstream.console.schemas;

import io.userstream.console.ConsoleProperties;
import io.userstream.console.api.ServerUnavailableException;
import io.userstream.console.kafka.KafkaClients;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The schema registry's Confluent-compatible REST API, read only: subjects, their versions, the compatibility
 * rule, and which subject and version a schema id is.
 */
@Component
public class Registry {

    private final WebClient http;
    private final String baseUrl;
    private final ConsoleProperties properties;
    private final Map<Integer, List<SubjectVersion>> versionsById = new ConcurrentHashMap<>();

    public Registry(WebClient.Builder http, KafkaClients kafka, ConsoleProperties properties) {
        this.baseUrl = kafka.schemaRegistryUrl();
        this.http = http.baseUrl(baseUrl).build();
        this.properties = properties;
    }

    /** Every subject with its versions and compatibility rule. */
    public Mono<List<Subject>> subjects() {
        return get("/subjects", String[].class)
                .flatMapMany(Flux::fromArray)
                .sort()
                .concatMap(subject -> Mono.zip(versionsOf(subject), compatibilityOf(subject))
                        .map(both -> new Subject(subject, both.getT1(), both.getT2())))
                .collectList();
    }

    /** The subjects and versions a schema id is registered under (the registry's own answer, cached). */
    public Mono<List<SubjectVersion>> versionsOfId(int id) {
        List<SubjectVersion> cached = versionsById.get(id);
        if (cached != null) {
            return Mono.just(cached);
        }
        return get("/schemas/ids/" + id + "/versions", SubjectVersion[].class)
                .map(List::of)
                .doOnNext(versions -> versionsById.put(id, versions));
    }

    private Mono<List<Version>> versionsOf(String subject) {
        return get("/subjects/{subject}/versions", Integer[].class, subject)
                .flatMapMany(Flux::fromArray)
                .concatMap(version -> get("/subjects/{subject}/versions/{version}", JsonNode.class, subject, version)
                        .map(body -> new Version(version, body.path("id").asInt(), body.path("schema").asText())))
                .collectList();
    }

    /**
     * The subject's rule, else the global one. Apicurio's Confluent API answers NONE for {@code /config} while
     * its own global rule is enforced, so for Apicurio the native rule is read too and wins.
     */
    private Mono<String> compatibilityOf(String subject) {
        Mono<String> confluent = get("/config/{subject}?defaultToGlobal=true", JsonNode.class, subject)
                .map(body -> body.path("compatibilityLevel").asText(body.path("compatibility").asText("")))
                .onErrorResume(WebClientResponseException.NotFound.class, e -> get("/config", JsonNode.class)
                        .map(body -> body.path("compatibilityLevel").asText("")));
        int ccompat = baseUrl.indexOf("/apis/ccompat/");
        if (ccompat < 0) {
            return confluent;
        }
        String nativeRule = baseUrl.substring(0, ccompat) + "/apis/registry/v2/admin/rules/COMPATIBILITY";
        return http.get().uri(nativeRule).retrieve().bodyToMono(JsonNode.class)
                .map(body -> body.path("config").asText(""))
                .timeout(properties.requestTimeout())
                .onErrorResume(e -> Mono.just(""))
                .flatMap(rule -> rule.isEmpty() ? confluent : Mono.just(rule));
    }

    private <T> Mono<T> get(String path, Class<T> type, Object... variables) {
        return http.get().uri(path, variables).retrieve().bodyToMono(type)
                .timeout(properties.requestTimeout())
                .onErrorMap(e -> !(e instanceof WebClientResponseException),
                        e -> new ServerUnavailableException("schema-registry", baseUrl, e));
    }

    public record Subject(String subject, List<Version> versions, String compatibility) {
    }

    public record Version(int version, int id, String schema) {
    }

    public record SubjectVersion(String subject, int version) {
    }
}
