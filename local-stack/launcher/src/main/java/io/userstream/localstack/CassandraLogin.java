package io.userstream.localstack;

/** A Cassandra role and its password (PasswordAuthenticator), e.g. for {@code CqlSession.builder().withAuthCredentials(...)}. */
public record CassandraLogin(String username, String password) {

    @Override
    public String toString() {
        return username + " / " + password;
    }
}
