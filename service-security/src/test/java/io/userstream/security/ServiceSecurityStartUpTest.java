package io.userstream.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.security.web.server.SecurityWebFilterChain;

/** A service refuses to start open, or with the placeholder secret of .env.example. */
class ServiceSecurityStartUpTest {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ServiceSecurityAutoConfiguration.class, WebFluxAutoConfiguration.class,
                    CodecsAutoConfiguration.class));

    @Test
    void withNeitherUsersNorAnIssuerTheServiceDoesNotStart() {
        runner.run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining("No way for callers to authenticate")
                .hasMessageContaining("userstream.security.users.<name>.password")
                .hasMessageContaining("spring.security.oauth2.resourceserver.jwt.issuer-uri"));
    }

    @Test
    void thePlaceholderOfEnvExampleIsRefusedNamingTheProperty() {
        runner.withPropertyValues("userstream.security.users.reader.password=change-me-reader", "userstream.security.users.reader.roles=reader")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("userstream.security.users.reader.password still holds a placeholder ('change-me...') of .env.example"));
    }

    @Test
    void aUserWithoutRolesIsRefused() {
        runner.withPropertyValues("userstream.security.users.reader.password=a-long-enough-secret")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("roles"));
    }

    @Test
    void withUsersTheChainIsThere() {
        runner.withPropertyValues("userstream.security.users.reader.password=a-long-enough-secret", "userstream.security.users.reader.roles=reader")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(SecurityWebFilterChain.class));
    }
}
