package io.userstream.security;

/**
 * What a caller may do. Roles are not nested: an endpoint names every role that may call it, so a
 * token that carries only {@code operator} reads as well as it operates.
 */
public enum Role {
    /** Reads users, statistics, delivery counts and runs. */
    READER,
    /** Starts and resumes runs, reads and re-drives dead letters, erases people. */
    OPERATOR;

    /** The role's name as Spring Security's {@code hasRole} takes it and as a JWT's roles claim carries it. */
    public String roleName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The granted authority: {@code ROLE_reader}, {@code ROLE_operator}. */
    public String authority() {
        return "ROLE_" + roleName();
    }
}
