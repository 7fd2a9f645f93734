package io.userstream.console.users;

import io.userstream.console.ConsoleProperties;
import io.userstream.schema.topic.TopicLayout;
import io.userstream.console.api.InvalidRequestException;
import io.userstream.console.api.ServerUnavailableException;
import io.userstream.console.browse.BrowsedRecord;
import io.userstream.console.browse.MessageBrowser;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * Stored users: the latest the processor passed on (the end of each users_processed partition), each checked
 * against user-store-service, and a lookup by id, e-mail or username (the store's own answer).
 */
@RestController
@RequestMapping("/api/v1/users")
class UsersController {

    private static final int MAX_LATEST = 100;
    /** How many of the latest users are checked against the store at once (each a GET with the services login). */
    private static final int STORE_CHECKS = 4;

    private final MessageBrowser browser;
    private final WebClient http;
    private final ConsoleProperties properties;
    private final String usersProcessed;

    UsersController(MessageBrowser browser, WebClient.Builder http, ConsoleProperties properties, TopicLayout topics) {
        this.usersProcessed = topics.usersProcessed();
        this.browser = browser;
        this.http = http.build();
        this.properties = properties;
    }

    @GetMapping("/latest")
    Mono<List<LatestUser>> latest(@RequestParam(defaultValue = "20") int limit) {
        if (limit < 1 || limit > MAX_LATEST) {
            throw new InvalidRequestException("limit", "limit must be between 1 and " + MAX_LATEST);
        }
        return Mono.fromCallable(() -> latestProcessed(limit)).subscribeOn(Schedulers.boundedElastic())
                .flatMapMany(Flux::fromIterable)
                .flatMapSequential(record -> stored(record.key()).map(stored -> new LatestUser(record.key(), record.timestamp().toString(),
                        record.value(), stored)), STORE_CHECKS)
                .collectList();
    }

    private List<BrowsedRecord> latestProcessed(int limit) {
        String topic = usersProcessed;
        List<BrowsedRecord> records = new ArrayList<>();
        for (int partition = 0; ; partition++) {
            try {
                records.addAll(browser.browse(topic, partition, "latest", limit));
            } catch (InvalidRequestException e) {
                break; // past the last partition, or no topic yet
            }
        }
        return records.stream().sorted(Comparator.comparing(BrowsedRecord::timestamp).reversed()).limit(limit).toList();
    }

    private Mono<Boolean> stored(String userId) {
        return http.get().uri(properties.storeUrl().resolve("/api/v1/users/" + UriUtils.encodePathSegment(userId, "UTF-8")))
                .exchangeToMono(response -> refusedLogin(response.statusCode().value())
                        ? response.releaseBody().then(Mono.<Boolean>error(refused(response.statusCode().value())))
                        : response.releaseBody().thenReturn(response.statusCode().is2xxSuccessful()))
                .timeout(properties.requestTimeout())
                .onErrorMap(e -> !(e instanceof ServerUnavailableException),
                        e -> new ServerUnavailableException("user-store-service", properties.storeUrl().toString(), e));
    }

    /**
     * Exactly one of id, email, username: user-store-service's answer as it gave it (a 404 problem when none), asked
     * with the console's services login; the store refusing that login is a 503 naming it.
     */
    @GetMapping("/lookup")
    Mono<ResponseEntity<JsonNode>> lookup(@RequestParam(required = false) String id,
                                          @RequestParam(required = false) String email,
                                          @RequestParam(required = false) String username) {
        int given = (blank(id) ? 0 : 1) + (blank(email) ? 0 : 1) + (blank(username) ? 0 : 1);
        if (given != 1) {
            throw new InvalidRequestException("id", "give exactly one of id, email or username");
        }
        String path = !blank(id) ? "/api/v1/users/" + UriUtils.encodePathSegment(id.trim(), "UTF-8")
                : !blank(email) ? "/api/v1/users/by-email/" + UriUtils.encodePathSegment(email.trim(), "UTF-8")
                : "/api/v1/users/by-username/" + UriUtils.encodePathSegment(username.trim(), "UTF-8");
        return http.get().uri(URI.create(properties.storeUrl() + path))
                .exchangeToMono(response -> refusedLogin(response.statusCode().value())
                        ? response.releaseBody().then(Mono.<ResponseEntity<JsonNode>>error(refused(response.statusCode().value())))
                        : response.toEntity(JsonNode.class))
                .timeout(properties.requestTimeout())
                .onErrorMap(e -> !(e instanceof ServerUnavailableException),
                        e -> new ServerUnavailableException("user-store-service", properties.storeUrl().toString(), e));
    }

    /** 401 or 403 from the store is about the console's own login, not its caller's: never passed on as such. */
    private static boolean refusedLogin(int status) {
        return status == 401 || status == 403;
    }

    private ServerUnavailableException refused(int status) {
        return ServerUnavailableException.refusedLogin("user-store-service", properties.storeUrl().toString(), status);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** @param stored whether user-store-service has the user (GET by id answered 200) */
    record LatestUser(String id, String processedAt, Object user, boolean stored) {
    }
}
