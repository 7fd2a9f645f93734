package io.userstream.localstack;

/**
 * A login of the local PostgreSQL: a role and its password. {@link #toString()} names the role only, so a
 * login that ends up in a log or an assertion message does not print its password.
 */
public record PostgresLogin(String username, String password) {

    @Override
    public String toString() {
        return username;
    }
}
