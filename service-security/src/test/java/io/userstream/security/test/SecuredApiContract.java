package io.userstream.security.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.security.Role;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What every service behind service-security answers, checked against the running service: an integration test
 * implements this interface, names its endpoints and logins, and inherits these tests. Each endpoint asks for
 * credentials (401 problem with the Basic challenge), refuses a reader where it needs an operator (403 problem) and
 * gives the right role its own answer; health is open without details, metrics need a login, the OpenAPI document is
 * open and declares the scheme.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public interface SecuredApiContract {

    /** Every endpoint of the service's API. */
    Stream<SecuredEndpoint> endpoints();

    /** The health components a logged-in caller sees UP (an anonymous one sees none). */
    List<String> healthComponents();

    /** A detail of one health component that a logged-in caller sees, e.g. {@code db.details.database}. */
    String healthDetail();

    /** The client of the service under test, sending no credentials. */
    WebTestClient anonymous();

    /** A user with role reader only. */
    Credentials readerLogin();

    /** A user with role operator only. */
    Credentials operatorLogin();

    /** An HTTP Basic login. */
    record Credentials(String username, String password) {
    }

    default WebTestClient reader() {
        return as(readerLogin().username(), readerLogin().password());
    }

    default WebTestClient operator() {
        return as(operatorLogin().username(), operatorLogin().password());
    }

    /** The operator's user name with a wrong password. */
    default WebTestClient wrongPassword() {
        return as(operatorLogin().username(), "not-the-password");
    }

    private WebTestClient as(String username, String password) {
        return anonymous().mutate().defaultHeaders(headers -> headers.setBasicAuth(username, password)).build();
    }

    default Stream<SecuredEndpoint> operatorEndpoints() {
        return endpoints().filter(endpoint -> endpoint.role() == Role.OPERATOR);
    }

    default Stream<SecuredEndpoint> readerEndpoints() {
        return endpoints().filter(endpoint -> endpoint.role() == Role.READER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    default void withoutCredentialsEveryEndpointIsA401ProblemWithTheBasicChallenge(SecuredEndpoint endpoint) {
        endpoint.call(anonymous())
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
    default void aWrongPasswordIsA401Problem(SecuredEndpoint endpoint) {
        endpoint.call(wrongPassword())
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"")
                .expectBody().jsonPath("$.status").isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operatorEndpoints")
    default void aReaderIsRefusedWhatNeedsAnOperatorWithA403Problem(SecuredEndpoint endpoint) {
        endpoint.call(reader())
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(403)
                .jsonPath("$.title").isEqualTo("Forbidden")
                .jsonPath("$.instance").isEqualTo(endpoint.pathWithoutQuery());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endpoints")
    default void theRightRoleGetsTheEndpointsOwnAnswer(SecuredEndpoint endpoint) {
        answeredPastSecurity(endpoint.role() == Role.READER ? reader() : operator(), endpoint);
    }

    /** Roles are not nested, but every read endpoint names operator too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("readerEndpoints")
    default void anOperatorReadsAsWell(SecuredEndpoint endpoint) {
        answeredPastSecurity(operator(), endpoint);
    }

    @Test
    default void anUnknownApiPathNeedsAnOperatorAndAnyOtherPathALogin() {
        reader().get().uri("/api/v1/no-such-endpoint").exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        operator().get().uri("/api/v1/no-such-endpoint").exchange().expectStatus().isNotFound();
        anonymous().get().uri("/no-such-path").exchange().expectStatus().isUnauthorized();
    }

    @Test
    default void healthShowsOnlyItsStatusAnonymouslyAndItsComponentsToALogin() {
        anonymous().get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components").doesNotExist()
                .jsonPath("$.details").doesNotExist();
        for (WebTestClient login : List.of(reader(), operator())) {
            WebTestClient.BodyContentSpec health = login.get().uri("/actuator/health").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("UP");
            for (String component : healthComponents()) {
                health.jsonPath("$.components." + component + ".status").isEqualTo("UP");
            }
            health.jsonPath("$.components." + healthDetail()).exists();
        }
    }

    @Test
    default void metricsNeedALogin() {
        anonymous().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"");
        anonymous().get().uri("/actuator/metrics").exchange().expectStatus().isUnauthorized();
        reader().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk()
                .expectBody(String.class).value(body -> assertThat(body).contains("jvm_memory_used_bytes"));
        operator().get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }

    @Test
    default void theOpenApiDocumentIsOpenAndDeclaresBasicAuth() {
        anonymous().get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.securitySchemes.basicAuth.type").isEqualTo("http")
                .jsonPath("$.components.securitySchemes.basicAuth.scheme").isEqualTo("basic")
                .jsonPath("$.security[0].basicAuth").exists()
                .jsonPath("$.components.securitySchemes.bearerAuth").doesNotExist();
    }

    private static void answeredPastSecurity(WebTestClient client, SecuredEndpoint endpoint) {
        WebTestClient.ResponseSpec response = endpoint.call(client).expectStatus().isEqualTo(endpoint.answer());
        if (endpoint.answer().isError()) {
            response.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        } else {
            response.expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON);
        }
        endpoint.check().accept(response);
    }
}
