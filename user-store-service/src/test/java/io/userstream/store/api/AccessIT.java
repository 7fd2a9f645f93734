package io.userstream.store.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.ApiLogins;
import io.userstream.localstack.LocalStack;
import io.userstream.security.Role;
import io.userstream.security.test.SecuredApiContract;
import io.userstream.security.test.SecuredEndpoint;
import io.userstream.store.StoreIntegrationTest;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Who may call what, against the real service (Kafka, schema registry, Cassandra) with the stack's
 * logins (the checks every secured service passes are {@link SecuredApiContract}'s); a request for a
 * user that does not exist gets the service's own 404 problem, which shows it got past security.
 */
@StoreIntegrationTest
class AccessIT implements SecuredApiContract {

    private static final UUID UNKNOWN = UUID.fromString("00000000-0000-4000-8000-00000000acce");

    @Override
    public Stream<SecuredEndpoint> endpoints() {
        return Stream.of(
                SecuredEndpoint.get("/api/v1/users/" + UNKNOWN, Role.READER, HttpStatus.NOT_FOUND, notFound("id")),
                SecuredEndpoint.get("/api/v1/users/by-email/nobody.access-it@example.org", Role.READER, HttpStatus.NOT_FOUND, notFound("email")),
                SecuredEndpoint.get("/api/v1/users/by-username/nobody-access-it", Role.READER, HttpStatus.NOT_FOUND, notFound("username")),
                SecuredEndpoint.get("/api/v1/users?country=XA", Role.READER, HttpStatus.OK,
                        response -> response.expectBody().jsonPath("$.items").isArray()),
                SecuredEndpoint.get("/api/v1/stats?country=Accessland", Role.READER, HttpStatus.OK,
                        response -> response.expectBody().jsonPath("$.dimension").isEqualTo("COUNTRY").jsonPath("$.windows").isArray()),
                SecuredEndpoint.get("/api/v1/ingestions/" + UNKNOWN + "/delivery", Role.READER, HttpStatus.OK,
                        response -> response.expectBody().jsonPath("$.runId").isEqualTo(UNKNOWN.toString()).jsonPath("$.stored").isEqualTo(0)),
                SecuredEndpoint.get("/api/v1/ingestions/" + UNKNOWN + "/dead-letters", Role.OPERATOR, HttpStatus.OK,
                        response -> response.expectBody().jsonPath("$.items.length()").isEqualTo(0)),
                // The contract expects a JSON body from a successful answer, which the erasure's 204 has not; its 400
                // problem for a malformed id shows just as well that the operator got past security (the 204: below).
                new SecuredEndpoint(HttpMethod.DELETE, "/api/v1/users/not-a-uuid", null, Role.OPERATOR, HttpStatus.BAD_REQUEST,
                        response -> response.expectBody().jsonPath("$.parameter").isEqualTo("id")));
    }

    private static Consumer<WebTestClient.ResponseSpec> notFound(String parameter) {
        return response -> response.expectBody().jsonPath("$.title").isEqualTo("Not found").jsonPath("$.parameter").isEqualTo(parameter);
    }

    @Override
    public List<String> healthComponents() {
        return List.of("cassandra", "kafka");
    }

    @Override
    public String healthDetail() {
        return "cassandra.details.version";
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

    /** A run's dead letters are the operator's, whatever the method. */
    @Test
    void aRunsDeadLettersNeedAnOperatorWhateverTheMethod() {
        reader().method(HttpMethod.HEAD).uri("/api/v1/ingestions/{runId}/dead-letters", UNKNOWN).exchange().expectStatus().isForbidden();
        reader().get().uri("/api/v1/ingestions/{runId}/dead-letters/more", UNKNOWN).exchange().expectStatus().isForbidden();
    }

    /** The erasure is the operator's: a reader is refused before anything is erased, an operator gets the 204. */
    @Test
    void erasingAPersonNeedsAnOperator() {
        UUID nobody = UUID.randomUUID();
        anonymous.delete().uri("/api/v1/users/{id}", nobody).exchange().expectStatus().isUnauthorized();
        reader().delete().uri("/api/v1/users/{id}", nobody).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        operator().delete().uri("/api/v1/users/{id}", nobody).exchange().expectStatus().isNoContent();
    }

    @Test
    void theOpenApiDocumentNamesTheRoleOfEachOperation() {
        anonymous.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.paths['/api/v1/users/{id}'].get.description").isEqualTo("Role: reader or operator.")
                .jsonPath("$.paths['/api/v1/users/{id}'].delete.description").isEqualTo("Role: operator.")
                .jsonPath("$.paths['/api/v1/ingestions/{runId}/dead-letters'].get.description")
                .value(description -> assertThat((String) description).endsWith("Role: operator (an error can quote the user's data)."));
    }
}
