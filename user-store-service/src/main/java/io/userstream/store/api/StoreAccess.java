package io.userstream.store.api;

import io.userstream.security.AccessRules;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Who may call which endpoint of the store's API (service-security applies these between its own
 * rules for Actuator and the API documents and its last rule, credentials for anything else):
 * <ul>
 *   <li>reader or operator: {@code GET /api/v1/users/**} (by id, e-mail, username, country),
 *       {@code GET /api/v1/stats}, {@code GET /api/v1/ingestions/{runId}/delivery};</li>
 *   <li>operator: {@code /api/v1/ingestions/{runId}/dead-letters}, whatever the method (a dead letter's
 *       error can quote a user's data, e.g. the e-mail address that failed validation);</li>
 *   <li>operator: {@code DELETE /api/v1/users/{id}}, the erasure of a person;</li>
 *   <li>operator for anything else under {@code /api/v1} (another method on these paths, e.g. HEAD):
 *       what is not named for readers is not theirs.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class StoreAccess {

    static final String USERS = "/api/v1/users";
    static final String STATS = "/api/v1/stats";
    static final String RUN = "/api/v1/ingestions/*";

    @Bean
    AccessRules storeAccessRules() {
        return exchanges -> exchanges
                // First: any method, so no rule below lets a reader near a run's dead letters.
                .pathMatchers(RUN + "/dead-letters", RUN + "/dead-letters/**").hasRole(AccessRules.operator())
                .pathMatchers(HttpMethod.DELETE, USERS + "/*").hasRole(AccessRules.operator())
                .pathMatchers(HttpMethod.GET, USERS, USERS + "/**", STATS, RUN + "/delivery").hasAnyRole(AccessRules.readers())
                .pathMatchers("/api/v1/**").hasRole(AccessRules.operator());
    }
}
