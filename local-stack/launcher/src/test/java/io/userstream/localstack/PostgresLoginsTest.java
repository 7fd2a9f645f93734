package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresLoginsTest {

    @TempDir
    Path stateDir;

    @Test
    void theFirstStartGeneratesThreeLoginsOnlyItsOwnerCanReadAndLaterStartsKeepThem() throws Exception {
        PostgresLogins first = PostgresLogins.of(stateDir);
        Path file = stateDir.resolve(PostgresLogins.FILE);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(List.of(first.superuser().username(), first.ingest().username(), first.airflow().username()))
                .containsExactly("postgres", "ingest", "airflow");
        List<String> passwords = List.of(first.superuser().password(), first.ingest().password(), first.airflow().password());
        assertThat(passwords).doesNotHaveDuplicates().allSatisfy(password -> assertThat(password).hasSize(32).matches("[A-Za-z0-9_-]+"));
        assertThat(Files.readString(file)).contains("postgres=" + first.superuser().password(), "ingest=" + first.ingest().password(),
                "airflow=" + first.airflow().password(), "id=" + first.id());

        PostgresLogins again = PostgresLogins.of(stateDir);
        assertThat(List.of(again.superuser(), again.ingest(), again.airflow())).containsExactly(first.superuser(), first.ingest(), first.airflow());
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(PostgresLogins.of(Files.createDirectory(stateDir.resolve("other"))).ingest()).isNotEqualTo(first.ingest());
    }

    /** How a service role's password is rotated: its line deleted, a new one generated; nothing else changes. */
    @Test
    void aDeletedServiceRoleLineIsGeneratedAgainAndTheRestKept() throws Exception {
        PostgresLogins first = PostgresLogins.of(stateDir);
        Path file = stateDir.resolve(PostgresLogins.FILE);
        Files.writeString(file, Files.readAllLines(file).stream().filter(line -> !line.startsWith("ingest=")).collect(Collectors.joining("\n")));

        PostgresLogins rotated = PostgresLogins.of(stateDir);

        assertThat(rotated.ingest().password()).isNotEqualTo(first.ingest().password()).hasSize(32);
        assertThat(rotated.superuser()).isEqualTo(first.superuser());
        assertThat(rotated.airflow()).isEqualTo(first.airflow());
        assertThat(rotated.id()).isEqualTo(first.id());
        assertThat(Files.readString(file)).contains("ingest=" + rotated.ingest().password());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    /** A new superuser password is a new generation: PostgreSQL data made with the old one is then refused at start. */
    @Test
    void aLostSuperuserPasswordComesBackAsANewGeneration() throws Exception {
        PostgresLogins first = PostgresLogins.of(stateDir);
        Path file = stateDir.resolve(PostgresLogins.FILE);
        Files.writeString(file, Files.readAllLines(file).stream().filter(line -> !line.startsWith("postgres=")).collect(Collectors.joining("\n")));

        PostgresLogins next = PostgresLogins.of(stateDir);

        assertThat(next.superuser().password()).isNotEqualTo(first.superuser().password());
        assertThat(next.id()).isNotEqualTo(first.id());
        assertThat(next.ingest()).isEqualTo(first.ingest());
    }

    @Test
    void aLoginPrintsItsRoleNotItsPassword() {
        PostgresLogin login = new PostgresLogin("ingest", "s3cret");

        assertThat(login).hasToString("ingest");
        assertThat(String.valueOf(List.of(login))).doesNotContain("s3cret");
    }
}
