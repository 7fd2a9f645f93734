package io.userstream.ingest.api;

import io.userstream.localstack.ApiLogins;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.security.Role;
import io.userstream.security.test.SecuredApiContract;
import io.userstream.security.test.SecuredEndpoint;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Who may call what, against the real service (Kafka, schema registry, PostgreSQL) with the stack's
 * logins (the checks every secured service passes are {@link SecuredApiContract}'s); a request for a
 * run that does not exist gets the run's 404, which shows it got past security.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "userstream.topics.users-created=users_created_access_it",
        "spring.flyway.schemas=ingest_access_it",
        "spring.flyway.default-schema=ingest_access_it",
        "spring.datasource.hikari.schema=ingest_access_it"})
@AutoConfigureWebTestClient(timeout = "60s") // the shared 2-core machine can be slow
class AccessIT implements SecuredApiContract {

    private static final UUID UNKNOWN = UUID.fromString("00000000-0000-4000-8000-00000000acce");

    private static final Consumer<WebTestClient.ResponseSpec> RUN_NOT_FOUND = response -> response.expectBody()
            .jsonPath("$.title").isEqualTo("Run not found")
            .jsonPath("$.detail").isEqualTo("No ingestion run with id " + UNKNOWN);

    @Override
    public Stream<SecuredEndpoint> endpoints() {
        return Stream.of(
                SecuredEndpoint.get("/api/v1/ingestions", Role.READER, HttpStatus.OK,
                        response -> response.expectBody().jsonPath("$").isArray()),
                SecuredEndpoint.get("/api/v1/ingestions/" + UNKNOWN, Role.READER, HttpStatus.NOT_FOUND, RUN_NOT_FOUND),
                SecuredEndpoint.get("/api/v1/ingestions/" + UNKNOWN + "/failures", Role.OPERATOR, HttpStatus.NOT_FOUND, RUN_NOT_FOUND),
                SecuredEndpoint.post("/api/v1/ingestions", "{\"source\": \"faker\", \"count\": 1, \"seed\": \"access-it\"}",
                        Role.OPERATOR, HttpStatus.ACCEPTED, response -> response
                                .expectHeader().valueMatches(HttpHeaders.LOCATION, "/api/v1/ingestions/[0-9a-f-]{36}")
                                .expectBody().jsonPath("$.source").isEqualTo("faker").jsonPath("$.requested").isEqualTo(1)),
                SecuredEndpoint.post("/api/v1/ingestions/" + UNKNOWN + "/resume", null, Role.OPERATOR, HttpStatus.NOT_FOUND, RUN_NOT_FOUND));
    }

    @Override
    public List<String> healthComponents() {
        return List.of("kafka", "db");
    }

    @Override
    public String healthDetail() {
        return "db.details.database";
    }

    @Autowired
    WebTestClient anonymous;

    ApiLogins logins;

    @BeforeEach
    void logins(LocalStack stack) {
        logins = stack.apiLogins();
    }

    @Override
    public WebTestClient anonymous() {
        return anonymous;
    }

    @Override
    public Credentials readerLogin() {
        return new Credentials(logins.reader().username(), logins.reader().password());
    }

    @Override
    public Credentials operatorLogin() {
        return new Credentials(logins.operator().username(), logins.operator().password());
    }

    /** A run's failed users are the operator's, whatever the method. */
    @Test
    void aRunsFailuresNeedAnOperatorWhateverTheMethod() {
        reader().method(HttpMethod.HEAD).uri("/api/v1/ingestions/{id}/failures", UNKNOWN).exchange().expectStatus().isForbidden();
    }

    @Test
    void theOpenApiDocumentNamesTheRoleOfEachOperation() {
        anonymous.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.paths['/api/v1/ingestions/{id}/failures'].get.description").isEqualTo("Role: operator (the users' data is in it).");
    }
}
