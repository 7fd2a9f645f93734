package io.userstream.security;

import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import reactor.core.publisher.Mono;

/**
 * One filter chain for a Userstream WebFlux service: nothing is open except Actuator health and info
 * (health shows details only to an authenticated caller) and the API documents; Actuator's other
 * endpoints need a role; the service's {@link AccessRules} say which role calls which endpoint; any
 * other request needs credentials. Stateless (no session, no cookie, so no CSRF token either: every
 * request carries its credentials). Callers authenticate with HTTP Basic as a configured user, or
 * with a JWT when Spring Boot's resource-server properties name an issuer or key.
 */
@AutoConfiguration(before = {ReactiveWebSecurityAutoConfiguration.class, ReactiveManagementWebSecurityAutoConfiguration.class,
        ReactiveUserDetailsServiceAutoConfiguration.class, ReactiveOAuth2ResourceServerAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@EnableConfigurationProperties(ServiceSecurityProperties.class)
@EnableWebFluxSecurity
public class ServiceSecurityAutoConfiguration {

    /** How every secret `.env.example` ships with begins: a stack must not run with one. */
    static final String PLACEHOLDER = "change-me";

    /** The JWT claim that carries the roles unless Spring Boot's authorities-claim-name says otherwise. */
    static final String ROLES_CLAIM = "roles";

    /**
     * Spring's delegating encoder ({@code {bcrypt}...}, {@code {noop}...}), but never "upgrading" a password:
     * otherwise every successful Basic login of a plain ({@code {noop}}) password is re-hashed with bcrypt,
     * ~80 ms of CPU per request here, although these users live in properties and nothing stores the hash.
     */
    @Bean
    PasswordEncoder servicePasswordEncoder() {
        PasswordEncoder delegate = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        return new PasswordEncoder() {
            @Override
            public String encode(CharSequence rawPassword) {
                return delegate.encode(rawPassword);
            }

            @Override
            public boolean matches(CharSequence rawPassword, String encodedPassword) {
                return delegate.matches(rawPassword, encodedPassword);
            }

            @Override
            public boolean upgradeEncoding(String encodedPassword) {
                return false;
            }
        };
    }

    /** The configured Basic users; none when only JWTs are accepted. */
    @Bean
    ReactiveUserDetailsService serviceUsers(ServiceSecurityProperties properties) {
        Map<String, UserDetails> users = new HashMap<>();
        properties.users().forEach((name, user) -> {
            if (user.password().strip().toLowerCase(java.util.Locale.ROOT).startsWith(PLACEHOLDER)) {
                throw new IllegalStateException("userstream.security.users." + name + ".password still holds a placeholder ('"
                        + PLACEHOLDER + "...') of .env.example: set a secret of your own");
            }
            String password = user.password().startsWith("{") ? user.password() : "{noop}" + user.password();
            users.put(name, User.withUsername(name).password(password)
                    .authorities(user.roles().stream().map(Role::authority).toArray(String[]::new)).build());
        });
        return name -> Mono.justOrEmpty(users.get(name)).map(User::withUserDetails).map(User.UserBuilder::build);
    }

    @Bean
    SecurityWebFilterChain serviceSecurityFilterChain(ServerHttpSecurity http, ServiceSecurityProperties properties,
                                                      ObjectProvider<AccessRules> serviceRules, ObjectProvider<ReactiveJwtDecoder> jwtDecoder,
                                                      ObjectProvider<Converter<Jwt, Mono<AbstractAuthenticationToken>>> jwtConverter,
                                                      ServerCodecConfigurer codecs) {
        ReactiveJwtDecoder decoder = jwtDecoder.getIfAvailable();
        boolean basic = !properties.users().isEmpty();
        if (!basic && decoder == null) {
            throw new IllegalStateException("No way for callers to authenticate: configure HTTP Basic users "
                    + "(userstream.security.users.<name>.password and .roles) or a JWT issuer "
                    + "(spring.security.oauth2.resourceserver.jwt.issuer-uri); see docs/security.md");
        }
        List<String> challenges = new ArrayList<>();
        if (basic) {
            challenges.add("Basic realm=\"" + properties.realm() + "\"");
        }
        if (decoder != null) {
            challenges.add("Bearer realm=\"" + properties.realm() + "\"");
        }
        ProblemResponses problems = new ProblemResponses(codecs, challenges);
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .exceptionHandling(handling -> handling.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .authorizeExchange(exchanges -> {
                    exchanges.matchers(EndpointRequest.to(HealthEndpoint.class, InfoEndpoint.class)).permitAll()
                            .matchers(EndpointRequest.toAnyEndpoint()).hasAnyRole(AccessRules.readers())
                            .pathMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**",
                                    "/webjars/swagger-ui/**").permitAll();
                    serviceRules.orderedStream().forEach(rules -> rules.apply(exchanges));
                    exchanges.anyExchange().authenticated();
                });
        if (basic) {
            http.httpBasic(httpBasic -> httpBasic.authenticationEntryPoint(problems));
        } else {
            http.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable);
        }
        if (decoder != null) {
            http.oauth2ResourceServer(resourceServer -> resourceServer
                    .authenticationEntryPoint(problems)
                    .accessDeniedHandler(problems)
                    .jwt(jwt -> jwt.jwtDecoder(decoder).jwtAuthenticationConverter(jwtConverter.getIfAvailable(
                            ServiceSecurityAutoConfiguration::rolesClaimConverter))));
        }
        return http.build();
    }

    /** Roles from the {@code roles} claim ({@code ["reader"]}) as {@code ROLE_reader}. */
    private static Converter<Jwt, Mono<AbstractAuthenticationToken>> rolesClaimConverter() {
        JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
        authorities.setAuthoritiesClaimName(ROLES_CLAIM);
        authorities.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(authorities);
        return new ReactiveJwtAuthenticationConverterAdapter(converter);
    }

    /** The schemes in the OpenAPI document, so Swagger UI can authorize. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springdoc.core.customizers.OpenApiCustomizer")
    static class ApiDocuments {

        @Bean
        org.springdoc.core.customizers.OpenApiCustomizer securitySchemes(ServiceSecurityProperties properties,
                                                                        ObjectProvider<ReactiveJwtDecoder> jwtDecoder) {
            return new SecuritySchemes(!properties.users().isEmpty(), jwtDecoder.getIfAvailable() != null);
        }
    }
}
