package io.userstream.security;

import org.springframework.security.config.web.server.ServerHttpSecurity;

/**
 * A service's own rules: which role may call which of its endpoints. Applied after the shared ones
 * (Actuator, API documents) and before the last rule, which asks any other request for credentials.
 */
@FunctionalInterface
public interface AccessRules {

    void apply(ServerHttpSecurity.AuthorizeExchangeSpec exchanges);

    /** For {@code hasAnyRole}: every role that may read. */
    static String[] readers() {
        return new String[] {Role.READER.roleName(), Role.OPERATOR.roleName()};
    }

    /** For {@code hasRole}: the role that may change things. */
    static String operator() {
        return Role.OPERATOR.roleName();
    }
}
