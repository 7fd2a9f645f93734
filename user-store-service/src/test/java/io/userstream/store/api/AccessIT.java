package io.userstream.store.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.localstack.LocalStack;
import io.userstream.store.ApiClients;
import io.userstream.store.StoreIntegrationTest;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Who may call what, against the real service (Kafka, schema registry, Cassandra) with the stack's
 * logins: every endpoint asks for credentials (401 problem), refuses a reader where it needs an
 * operator (403 problem) and answers the right role as it always did; a request for a user that does
 * not exist gets the service's own 404 problem, which shows it got past security.
 */
@StoreIntegrationTest
class AccessIT {

    private static final UUID UNKNOWN = UUID.fromString("00000000-0000-4000-8000-00000000acce");

    /** Every endpoint of the API: who may call it and what that caller gets. */
    static Stream<Endpoint> endpoints() {
        return Stream.of(
                new Endpoint("/api/v1/users/" + UNKNOWN, Role.READER, HttpStatus.NOT_FOUND,
                        body -> body.jsonPath("$.title").isEqualTo("Not found").jsonPath("$.parameter").isEqualTo("id")),
                new Endpoint("/api/v1/users/by-email/nobody.access-it@example.org", Role.READER, HttpStatus.NOT_FOUND,
                        body -> body.jsonPath("$.title").isEqualTo("Not found").jsonPath("$.parameter").isEqualTo("email")),
                new Endpoint("/api/v1/users/by-username/nobody-access-it", Role.READER, HttpStatus.NOT_FOUND,
                        body -> body.jsonPath("$.title").isEqualTo("Not found").jsonPath("$.parameter").isEqualTo("username")),
                new Endpoint("/api/v1/users?country=XA", Role.READER, HttpStatus.OK,
                        body -> body.jsonPath("$.items").isArray()),
                new Endpoint("/api/v1/stats?country=Accessland", Role.READER, HttpStatus.OK,
                        body -> body.jsonPath("$.dimension").isEqualTo("COUNTRY").jsonPath("$.windows").isArray()),
                new Endpoint("/api/v1/ingestions/" + UNKNOWN + "/delivery", Role.READER, HttpStatus.OK,
                        body -> body.jsonPath("$.runId").isEqualTo(UNKNOWN.toString()).jsonPath("$.stored").isEqualTo(0)),
                new Endpoint("/api/v1/ingestions/" + UNKNOWN + "/dead-letters", Role.OPERATOR, HttpStatus.OK,
                        body -> body.jsonPath("$.items.length()").isEqualTo(0)));
    }

    static Stream<Endpoint> operatorEndpoints() {
        return endpoints().filter(endpoint -> endpoint.role() == Role.OPERATOR);
    }

    static Stream<Endpoint> readerEndpoints() {
        return endpoints().filter(endpoint -> endpoint.role() == Role.READER);
    }

    @Autowired
    WebTestClient anonymous;

    WebTestClient reader;
    WebTestClient operator;

    @BeforeEach
    void logIn(LocalStack stack) {
        reader = ApiClients.as(anonymous, stack.apiLogins().reader());
        operator = ApiClients.as(anonymous, stack.apiLogins().operator());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void withoutCredentialsEveryEndpointIsA401ProblemWithTheBasicChallenge(Endpoint endpoint) {
        anonymous.get().uri(endpoint.path()).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"")
                .expectBody()
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.title").isEqualTo("Unauthorized")
                .jsonPath("$.instance").isEqualTo(endpoint.pathWithoutQuery());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void aWrongPasswordIsA401Problem(Endpoint endpoint, LocalStack stack) {
        WebTestClient wrong = anonymous.mutate()
                .defaultHeaders(headers -> headers.setBasicAuth(stack.apiLogins().operator().username(), "not-the-password")).build();
        wrong.get().uri(endpoint.path()).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"")
                .expectBody().jsonPath("$.status").isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operatorEndpoints")
    void aReaderIsRefusedWhatNeedsAnOperatorWithA403Problem(Endpoint endpoint) {
        reader.get().uri(endpoint.path()).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(403)
                .jsonPath("$.title").isEqualTo("Forbidden")
                .jsonPath("$.instance").isEqualTo(endpoint.pathWithoutQuery());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void theRightRoleGetsTheEndpointsOwnAnswer(Endpoint endpoint) {
        answeredPastSecurity(endpoint.role() == Role.READER ? reader : operator, endpoint);
    }

    /** Roles are not nested, but every read endpoint names operator too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("readerEndpoints")
    void anOperatorReadsAsWell(Endpoint endpoint) {
        answeredPastSecurity(operator, endpoint);
    }

    /** A run's dead letters are the operator's, whatever the method; so is anything not named for readers. */
    @Test
    void whatIsNotNamedForReadersNeedsAnOperator() {
        reader.method(HttpMethod.HEAD).uri("/api/v1/ingestions/{runId}/dead-letters", UNKNOWN).exchange().expectStatus().isForbidden();
        reader.get().uri("/api/v1/ingestions/{runId}/dead-letters/more", UNKNOWN).exchange().expectStatus().isForbidden();
        reader.get().uri("/api/v1/no-such-endpoint").exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        operator.get().uri("/api/v1/no-such-endpoint").exchange().expectStatus().isNotFound();
        anonymous.get().uri("/no-such-path").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void healthShowsOnlyItsStatusAnonymouslyAndItsComponentsToALogin() {
        anonymous.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components").doesNotExist()
                .jsonPath("$.details").doesNotExist();
        for (WebTestClient login : List.of(reader, operator)) {
            login.get().uri("/actuator/health").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("UP")
                    .jsonPath("$.components.cassandra.status").isEqualTo("UP")
                    .jsonPath("$.components.cassandra.details.version").exists()
                    .jsonPath("$.components.kafka.status").isEqualTo("UP");
        }
    }

    @Test
    void metricsNeedALogin() {
        anonymous.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"");
        anonymous.get().uri("/actuator/metrics").exchange().expectStatus().isUnauthorized();
        reader.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
        operator.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }

    @Test
    void theOpenApiDocumentIsOpenAndDeclaresBasicAuth() {
        anonymous.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.securitySchemes.basicAuth.type").isEqualTo("http")
                .jsonPath("$.components.securitySchemes.basicAuth.scheme").isEqualTo("basic")
                .jsonPath("$.security[0].basicAuth").exists()
                .jsonPath("$.components.securitySchemes.bearerAuth").doesNotExist()
                .jsonPath("$.paths['/api/v1/users/{id}'].get.description").isEqualTo("Role: reader or operator.")
                .jsonPath("$.paths['/api/v1/ingestions/{runId}/dead-letters'].get.description")
                .value(description -> assertThat((String) description).endsWith("Role: operator (an error can quote the user's data)."));
    }

    /** The endpoint's own answer: the expected status and body, problem+json for a 404. */
    private static void answeredPastSecurity(WebTestClient client, Endpoint endpoint) {
        WebTestClient.ResponseSpec response = client.get().uri(endpoint.path()).exchange().expectStatus().isEqualTo(endpoint.answer());
        if (endpoint.answer() == HttpStatus.NOT_FOUND) {
            response.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        } else {
            response.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON);
        }
        endpoint.body().accept(response.expectBody());
    }

    enum Role { READER, OPERATOR }

    /**
     * A GET endpoint (the API has no other method).
     *
     * @param role   the role the endpoint needs (READER: reader or operator)
     * @param answer what that role gets: its normal answer, or the 404 of a user that does not exist
     * @param body   what that answer's body holds
     */
    record Endpoint(String path, Role role, HttpStatus answer, Consumer<WebTestClient.BodyContentSpec> body) {

        String pathWithoutQuery() {
            int query = path.indexOf('?');
            return query < 0 ? path : path.substring(0, query);
        }

        @Override
        public String toString() {
            return "GET " + path + " (" + role.name().toLowerCase(Locale.ROOT) + ")";
        }
    }
}
