package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiLoginsTest {

    @TempDir
    Path stateDir;

    @Test
    void theFirstStartGeneratesBothLoginsOnlyItsOwnerCanReadAndLaterStartsKeepThem() throws Exception {
        ApiLogins first = ApiLogins.of(stateDir);
        Path file = stateDir.resolve(ApiLogins.FILE);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.reader().username()).isEqualTo("reader");
        assertThat(first.operator().username()).isEqualTo("operator");
        assertThat(first.reader().password()).hasSize(32).matches("[A-Za-z0-9_-]+").isNotEqualTo(first.operator().password());
        ApiLogins again = ApiLogins.of(stateDir);
        assertThat(again.reader()).isEqualTo(first.reader());
        assertThat(again.operator()).isEqualTo(first.operator());
        assertThat(ApiLogins.of(Files.createDirectory(stateDir.resolve("other"))).reader()).isNotEqualTo(first.reader());
    }

    @Test
    void servicesGetBothUsersAsEnvironmentVariablesSpringBindsToTheirProperties() throws Exception {
        ApiLogins logins = ApiLogins.of(stateDir);

        assertThat(logins.serviceEnvironment())
                .containsEntry("USERSTREAM_SECURITY_USERS_READER_PASSWORD", logins.reader().password())
                .containsEntry("USERSTREAM_SECURITY_USERS_READER_ROLES", "reader")
                .containsEntry("USERSTREAM_SECURITY_USERS_OPERATOR_PASSWORD", logins.operator().password())
                .containsEntry("USERSTREAM_SECURITY_USERS_OPERATOR_ROLES", "operator");
        assertThat(SpringBootService.secretsOf(ServerKind.CONSOLE, logins, CassandraLogins.of(stateDir)))
                .containsEntry("USERSTREAM_CONSOLE_SERVICESLOGIN_USERNAME", "reader")
                .containsEntry("USERSTREAM_CONSOLE_SERVICESLOGIN_PASSWORD", logins.reader().password());
        CassandraLogins cassandra = CassandraLogins.of(stateDir);
        assertThat(SpringBootService.secretsOf(ServerKind.STORE, logins, cassandra))
                .containsEntry("SPRING_CASSANDRA_USERNAME", "user_store")
                .containsEntry("SPRING_CASSANDRA_PASSWORD", cassandra.userStore().password());
        assertThat(SpringBootService.secretsOf(ServerKind.CONSOLE, logins, cassandra)).doesNotContainKey("SPRING_CASSANDRA_PASSWORD");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stateDir.resolve(CassandraLogins.FILE)))).isEqualTo("rw-------");
        assertThat(CassandraLogins.of(stateDir).admin()).isEqualTo(cassandra.admin());
        assertThat(new ApiLogin("reader", "pw").basicAuthorization()).isEqualTo("Basic cmVhZGVyOnB3");
        assertThat(new ApiLogin("reader", "pw")).hasToString("reader / pw");
    }
}
