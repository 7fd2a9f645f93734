package io.userstream.console.api;

import io.userstream.security.Role;
import java.util.Arrays;
import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Who calls the console.
 *
 * @param name     the authenticated principal's name: an HTTP Basic user, or a JWT's subject (what the re-drive
 *                 audit records)
 * @param roles    its roles of {@link Role}, in lower case
 * @param operator whether it may handle dead letters, re-drive and resume runs
 */
public record Caller(String name, List<String> roles, boolean operator) {

    public static Caller of(Authentication authentication) {
        List<String> roles = Arrays.stream(Role.values())
                .filter(role -> authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                        .anyMatch(role.authority()::equals))
                .map(Role::roleName)
                .toList();
        return new Caller(authentication.getName(), roles, roles.contains(Role.OPERATOR.roleName()));
    }

    public static boolean isOperator(Authentication authentication) {
        return of(authentication).operator();
    }
}
