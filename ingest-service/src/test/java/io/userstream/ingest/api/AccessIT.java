package io.userstream.ingest.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.ingest.ApiClients;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Who may call what, against the real service (Kafka, schema registry, PostgreSQL) with the stack's
 * logins: every endpoint asks for credentials (401 problem), refuses a reader where it needs an
 * operator (403 problem) and answers the right role as it always did; a request for a run that does
 * not exist gets the run's 404, which shows it got past security.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ingest.publish.topic=users_created_access_it",
        "spring.flyway.schemas=ingest_access_it",
        "spring.flyway.default-schema=ingest_access_it",
        "spring.datasource.hikari.schema=ingest_access_it"})
@AutoConfigureWebTestClient(timeout = "60s") // the shared 2-core machine can be slow
class AccessIT {

    private static final UUID UNKNOWN = UUID.fromString("00000000-0000-4000-8000-00000000acce");

    /** Every endpoint of the API: who may call it and what that caller gets. */
    static Stream<Endpoint> endpoints() {
        return Stream.of(
                new Endpoint(HttpMethod.GET, "/api/v1/ingestions", null, Role.READER, HttpStatus.OK),
                new Endpoint(HttpMethod.GET, "/api/v1/ingestions/" + UNKNOWN, null, Role.READER, HttpStatus.NOT_FOUND),
                new Endpoint(HttpMethod.GET, "/api/v1/ingestions/" + UNKNOWN + "/failures", null, Role.OPERATOR, HttpStatus.NOT_FOUND),
                new Endpoint(HttpMethod.POST, "/api/v1/ingestions", "{\"source\": \"faker\", \"count\": 1, \"seed\": \"access-it\"}",
                        Role.OPERATOR, HttpStatus.ACCEPTED),
                new Endpoint(HttpMethod.POST, "/api/v1/ingestions/" + UNKNOWN + "/resume", null, Role.OPERATOR, HttpStatus.NOT_FOUND));
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
        call(anonymous, endpoint)
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"")
                .expectBody()
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.title").isEqualTo("Unauthorized")
                .jsonPath("$.instance").isEqualTo(endpoint.path());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void aWrongPasswordIsA401Problem(Endpoint endpoint, LocalStack stack) {
        WebTestClient wrong = anonymous.mutate()
                .defaultHeaders(headers -> headers.setBasicAuth(stack.apiLogins().operator().username(), "not-the-password")).build();
        call(wrong, endpoint)
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"")
                .expectBody().jsonPath("$.status").isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operatorEndpoints")
    void aReaderIsRefusedWhatNeedsAnOperatorWithA403Problem(Endpoint endpoint) {
        call(reader, endpoint)
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(403)
                .jsonPath("$.title").isEqualTo("Forbidden")
                .jsonPath("$.instance").isEqualTo(endpoint.path());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    void theRightRoleGetsTheEndpointsOwnAnswer(Endpoint endpoint) {
        answeredPastSecurity(call(endpoint.role() == Role.READER ? reader : operator, endpoint), endpoint);
    }

    /** Roles are not nested, but every read endpoint names operator too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("readerEndpoints")
    void anOperatorReadsAsWell(Endpoint endpoint) {
        answeredPastSecurity(call(operator, endpoint), endpoint);
    }

    /** A run's failed users are the operator's, whatever the method; so is anything not named for readers. */
    @Test
    void whatIsNotNamedForReadersNeedsAnOperator() {
        reader.method(HttpMethod.HEAD).uri("/api/v1/ingestions/{id}/failures", UNKNOWN).exchange().expectStatus().isForbidden();
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
                .jsonPath("$.components").doesNotExist();
        for (WebTestClient login : List.of(reader, operator)) {
            login.get().uri("/actuator/health").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("UP")
                    .jsonPath("$.components.kafka.status").isEqualTo("UP")
                    .jsonPath("$.components.db.details.database").isEqualTo("PostgreSQL");
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
                .jsonPath("$.paths['/api/v1/ingestions/{id}/failures'].get.description").isEqualTo("Role: operator (the users' data is in it).");
    }

    private static WebTestClient.ResponseSpec call(WebTestClient client, Endpoint endpoint) {
        WebTestClient.RequestBodySpec request = client.method(endpoint.method()).uri(endpoint.path());
        return endpoint.body() == null ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(endpoint.body()).exchange();
    }

    /** The endpoint's own answer: the expected status, and for an unknown run the service's own 404 problem. */
    private static void answeredPastSecurity(WebTestClient.ResponseSpec response, Endpoint endpoint) {
        response.expectStatus().isEqualTo(endpoint.answer());
        if (endpoint.answer() == HttpStatus.NOT_FOUND) {
            response.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.title").isEqualTo("Run not found")
                    .jsonPath("$.detail").isEqualTo("No ingestion run with id " + UNKNOWN);
        } else if (endpoint.answer() == HttpStatus.ACCEPTED) {
            response.expectHeader().valueMatches(HttpHeaders.LOCATION, "/api/v1/ingestions/[0-9a-f-]{36}")
                    .expectBody().jsonPath("$.source").isEqualTo("faker").jsonPath("$.requested").isEqualTo(1);
        } else {
            response.expectBody().jsonPath("$").isArray();
        }
    }

    enum Role { READER, OPERATOR }

    /**
     * @param role   the role the endpoint needs (READER: reader or operator)
     * @param answer what that role gets: its normal answer, or the 404 of a run that does not exist
     */
    record Endpoint(HttpMethod method, String path, String body, Role role, HttpStatus answer) {

        @Override
        public String toString() {
            return method + " " + path + " (" + role.name().toLowerCase(Locale.ROOT) + ")";
        }
    }
}
