package io.userstream.ingest.api;

import io.userstream.security.AccessRules;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Who may call which endpoint of the ingestion API (service-security applies these between its own
 * rules for Actuator and the API documents and its last rule, credentials for anything else):
 * <ul>
 *   <li>reader or operator: {@code GET /api/v1/ingestions}, {@code GET /api/v1/ingestions/{id}};</li>
 *   <li>operator: {@code GET /api/v1/ingestions/{id}/failures} (it holds users' data),
 *       {@code POST /api/v1/ingestions}, {@code POST /api/v1/ingestions/{id}/resume};</li>
 *   <li>operator for anything else under {@code /api/v1} (another method on these paths, e.g. HEAD):
 *       what is not named for readers is not theirs.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class IngestionAccess {

    static final String RUNS = "/api/v1/ingestions";

    @Bean
    AccessRules ingestionAccessRules() {
        return exchanges -> exchanges
                // First: any method, so no rule below lets a reader near a run's failed users.
                .pathMatchers(RUNS + "/*/failures").hasRole(AccessRules.operator())
                .pathMatchers(HttpMethod.GET, RUNS, RUNS + "/*").hasAnyRole(AccessRules.readers())
                .pathMatchers(HttpMethod.POST, RUNS, RUNS + "/*/resume").hasRole(AccessRules.operator())
                .pathMatchers("/api/v1/**").hasRole(AccessRules.operator());
    }
}
