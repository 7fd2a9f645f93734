package io.userstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shared chain on a small service of its own: a read endpoint for readers, a write endpoint for
 * operators, Actuator, and both ways in (Basic users from properties, JWTs of one issuer and
 * audience, signed here by a key that stands in for the identity provider).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "userstream.security.users.ada.password=ada-secret-1234",
        "userstream.security.users.ada.roles=reader",
        "userstream.security.users.otto.password={bcrypt}$2a$04$dtD79RRvtXIsO2dGo7wwyeooPk18RlUzLcmK/8cYzXiEiWFHE/NuO",
        "userstream.security.users.otto.roles=operator",
        "userstream.security.users.nemo.password=nemo-secret-1234",
        "userstream.security.users.nemo.roles=reader,operator",
        "spring.security.oauth2.resourceserver.jwt.issuer-uri=https://login.example.org/",
        "spring.security.oauth2.resourceserver.jwt.audiences=userstream",
        "management.endpoints.web.exposure.include=health,info,prometheus,metrics",
        "management.endpoint.health.show-details=when-authorized"})
@AutoConfigureWebTestClient
class ServiceSecurityAutoConfigurationTest {

    private static final KeyPair ISSUER_KEY = rsaKeyPair();
    private static final KeyPair OTHER_KEY = rsaKeyPair();

    /** The identity provider's key set, served as an issuer serves it (the outside world: a stub). */
    private static final HttpServer ISSUER = jwkSetServer();

    @DynamicPropertySource
    static void issuerKeys(DynamicPropertyRegistry registry) {
        registry.add("spring.security.oauth2.resourceserver.jwt.jwk-set-uri",
                () -> "http://127.0.0.1:" + ISSUER.getAddress().getPort() + "/jwks.json");
    }

    @AfterAll
    static void stopIssuer() {
        ISSUER.stop(0);
    }

    @Autowired
    WebTestClient client;

    @Test
    void withoutCredentialsEveryEndpointAnswers401AsProblemJsonWithBothChallenges() {
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.POST)) {
            client.method(method).uri("/api/things").exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"userstream\"", "Bearer realm=\"userstream\"")
                    .expectBody()
                    .jsonPath("$.status").isEqualTo(401)
                    .jsonPath("$.title").isEqualTo("Unauthorized")
                    .jsonPath("$.instance").isEqualTo("/api/things")
                    .jsonPath("$.detail").isEqualTo("This endpoint needs credentials: Basic or Bearer.");
        }
        client.get().uri("/no/such/path").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aWrongPasswordIs401AndAnUnknownUserToo() {
        client.get().uri("/api/things").headers(h -> h.setBasicAuth("ada", "wrong")).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.detail").isEqualTo("The credentials were not accepted: Invalid Credentials");
        client.get().uri("/api/things").headers(h -> h.setBasicAuth("eve", "ada-secret-1234")).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aReaderReadsButMayNotOperate() {
        client.get().uri("/api/things").headers(h -> h.setBasicAuth("ada", "ada-secret-1234")).exchange()
                .expectStatus().isOk().expectBody(String.class).isEqualTo("things");
        client.post().uri("/api/things").headers(h -> h.setBasicAuth("ada", "ada-secret-1234")).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(403)
                .jsonPath("$.detail").isEqualTo("The caller's roles do not allow POST /api/things.");
    }

    @Test
    void anOperatorOperatesAndReads() {
        // otto's password is stored as a bcrypt hash ({bcrypt}...): the plain one is "otto".
        client.post().uri("/api/things").headers(h -> h.setBasicAuth("otto", "otto")).exchange().expectStatus().isOk();
        client.get().uri("/api/things").headers(h -> h.setBasicAuth("otto", "otto")).exchange().expectStatus().isOk();
        client.post().uri("/api/things").headers(h -> h.setBasicAuth("nemo", "nemo-secret-1234")).exchange().expectStatus().isOk();
    }

    @Autowired
    PasswordEncoder passwords;

    @Test
    void aPasswordIsNeverUpgradedSoAPlainOneCostsNoHashPerRequest() {
        assertThat(passwords.upgradeEncoding("{noop}ada-secret-1234")).isFalse();
        assertThat(passwords.matches("ada-secret-1234", "{noop}ada-secret-1234")).isTrue();
        assertThat(passwords.matches("otto", "{bcrypt}$2a$04$dtD79RRvtXIsO2dGo7wwyeooPk18RlUzLcmK/8cYzXiEiWFHE/NuO")).isTrue();
    }

    @Test
    void anAuthenticatedCallerOfAnUnknownPathGets404NotADenial() {
        client.get().uri("/no/such/path").headers(h -> h.setBasicAuth("ada", "ada-secret-1234")).exchange().expectStatus().isNotFound();
    }

    @Test
    void healthIsOpenWithoutDetailsWhichNeedARole() {
        client.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP").jsonPath("$.components").doesNotExist();
        client.get().uri("/actuator/health").headers(h -> h.setBasicAuth("ada", "ada-secret-1234")).exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.components").exists();
        client.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
        client.get().uri("/actuator/prometheus").headers(h -> h.setBasicAuth("ada", "ada-secret-1234")).exchange().expectStatus().isOk();
        client.get().uri("/actuator/metrics").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aJwtOfTheIssuerAndAudienceCarriesItsRoles() {
        client.get().uri("/api/things").headers(h -> h.setBearerAuth(token(ISSUER_KEY, "https://login.example.org/", "userstream", "reader")))
                .exchange().expectStatus().isOk();
        client.post().uri("/api/things").headers(h -> h.setBearerAuth(token(ISSUER_KEY, "https://login.example.org/", "userstream", "reader")))
                .exchange().expectStatus().isForbidden();
        client.post().uri("/api/things").headers(h -> h.setBearerAuth(token(ISSUER_KEY, "https://login.example.org/", "userstream", "operator")))
                .exchange().expectStatus().isOk();
    }

    @Test
    void aJwtOfAnotherKeyIssuerOrAudienceIsRefused() {
        for (String token : List.of(
                token(OTHER_KEY, "https://login.example.org/", "userstream", "operator"),
                token(ISSUER_KEY, "https://evil.example.org/", "userstream", "operator"),
                token(ISSUER_KEY, "https://login.example.org/", "another-api", "operator"))) {
            client.get().uri("/api/things").headers(h -> h.setBearerAuth(token)).exchange()
                    .expectStatus().isUnauthorized()
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
    }

    @Test
    void theApiDocumentIsOpenAndDeclaresBothSchemes() {
        client.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.components.securitySchemes.basicAuth.scheme").isEqualTo("basic")
                .jsonPath("$.components.securitySchemes.bearerAuth.bearerFormat").isEqualTo("JWT")
                .jsonPath("$.security[0].basicAuth").exists()
                .jsonPath("$.security[1].bearerAuth").exists();
    }

    private static String token(KeyPair key, String issuer, String audience, String role) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), new JWTClaimsSet.Builder()
                    .subject("someone").issuer(issuer).audience(audience).claim("roles", List.of(role))
                    .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
            jwt.sign(new RSASSASigner((RSAPrivateKey) key.getPrivate()));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwkSetServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            byte[] keys = new JWKSet(new RSAKey.Builder((RSAPublicKey) ISSUER_KEY.getPublic()).build()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks.json", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, keys.length);
                exchange.getResponseBody().write(keys);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SpringBootApplication
    static class ThingsService {

        @Bean
        AccessRules thingsAccess() {
            return exchanges -> exchanges
                    .pathMatchers(HttpMethod.GET, "/api/things").hasAnyRole(AccessRules.readers())
                    .pathMatchers(HttpMethod.POST, "/api/things").hasRole(AccessRules.operator());
        }

        @RestController
        static class ThingsController {

            @GetMapping("/api/things")
            String list() {
                return "things";
            }

            @PostMapping("/api/things")
            String add() {
                return "added";
            }
        }
    }
}
