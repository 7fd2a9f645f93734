package io.userstream.console.api;

import io.userstream.console.ConsoleProperties;
import io.userstream.schema.topic.TopicLayout;
import io.userstream.security.AccessRules;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;

/**
 * Who may call what of the console (the shared rules of service-security come first: health and info open,
 * Actuator's other endpoints for reader or operator, the API documents open).
 *
 * <ul>
 *   <li>operator: the dead letters (list and summary), re-drive, the re-drive audit, resume of a run, and the
 *       records of the dead-letter and audit topics in the message browser (they hold what the dead-letter list
 *       and the audit hold);</li>
 *   <li>reader or operator: the page (its static files) and every other read of {@code /api/v1}, the live
 *       stream included (which shows a reader the dead letters' counts only, see {@code LiveController});</li>
 *   <li>any other method under {@code /api/v1}: operator, so a new write is never open to readers by default.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class ConsoleAccess {

    /** The page: index.html and what it loads. */
    static final String[] PAGE = {"/", "/index.html", "/app.js", "/app.css", "/webjars/uplot/**"};

    @Bean
    AccessRules consoleAccessRules(ConsoleProperties properties, TopicLayout topics) {
        String deadLetterRecords = "/api/v1/topics/" + topics.deadLetter() + "/messages";
        String auditRecords = "/api/v1/topics/" + properties.topics().redriveAudit() + "/messages";
        return exchanges -> exchanges
                .pathMatchers("/api/v1/dead-letters", "/api/v1/dead-letters/**", "/api/v1/redrives",
                        "/api/v1/runs/*/resume", deadLetterRecords, auditRecords).hasRole(AccessRules.operator())
                .pathMatchers(HttpMethod.GET, "/api/v1/**").hasAnyRole(AccessRules.readers())
                .pathMatchers(HttpMethod.HEAD, "/api/v1/**").hasAnyRole(AccessRules.readers())
                .pathMatchers("/api/v1/**").hasRole(AccessRules.operator())
                .pathMatchers(HttpMethod.GET, PAGE).hasAnyRole(AccessRules.readers())
                .pathMatchers(HttpMethod.HEAD, PAGE).hasAnyRole(AccessRules.readers());
    }
}
