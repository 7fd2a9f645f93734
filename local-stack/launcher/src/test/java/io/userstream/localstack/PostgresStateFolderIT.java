package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL logins over a state folder's life: kept across restarts, a service role's password rotated by
 * deleting its line, and data the logins file does not belong to (made before local mode had passwords, or the
 * file lost) refused at start with what to do, before anything could log in or fail to.
 */
class PostgresStateFolderIT {

    // Below target/, not /tmp: as root, PostgreSQL runs as nobody, who cannot enter JUnit's private temp folders.
    private final Path stateDir = StateDirs.newUnderTarget();
    private final List<String> progress = new CopyOnWriteArrayList<>();
    private final List<LocalStack> stacks = new ArrayList<>();

    @AfterEach
    void closeStacks() {
        stacks.forEach(LocalStack::close);
    }

    @Test
    void deletingTheIngestLineRotatesItsPasswordAtTheNextStartAndKeepsTheData() throws Exception {
        LocalStack first = stack();
        first.start(ServerKind.POSTGRES);
        PostgresLogin before = first.postgresLogins().ingest();
        try (Connection connection = connect(first, before)) {
            connection.createStatement().execute("CREATE SCHEMA rotation_it");
            connection.createStatement().execute("CREATE TABLE rotation_it.kept AS SELECT 42 AS id");
        }
        first.stop(ServerKind.POSTGRES);
        Path file = stateDir.resolve(PostgresLogins.FILE);
        Files.writeString(file, Files.readAllLines(file).stream().filter(line -> !line.startsWith("ingest=")).collect(Collectors.joining("\n")));

        LocalStack second = stack();
        second.start(ServerKind.POSTGRES);
        PostgresLogin after = second.postgresLogins().ingest();

        assertThat(after.password()).isNotEqualTo(before.password());
        assertThatThrownBy(() -> connect(second, before)).isInstanceOf(SQLException.class);
        try (Connection connection = connect(second, after)) {
            var rows = connection.createStatement().executeQuery("SELECT id FROM rotation_it.kept");
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    void dataFromBeforePasswordsIsRefusedNamingWhatToDelete() throws Exception {
        LocalStack first = stack();
        first.start(ServerKind.POSTGRES);
        first.stop(ServerKind.POSTGRES);
        // What a state folder of an earlier launcher holds: initdb --auth=trust, no logins file, no roles.
        Path root = ((PostgresServer) first.server(ServerKind.POSTGRES)).serverRoot();
        Files.delete(root.resolve(PostgresServer.LOGINS_ID_FILE));
        Files.delete(stateDir.resolve(PostgresLogins.FILE));
        Files.writeString(root.resolve("data/pg_hba.conf"), "local all all trust\nhost all all 127.0.0.1/32 trust\n");

        LocalStack upgraded = stack();
        assertThatThrownBy(() -> upgraded.start(ServerKind.POSTGRES))
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("postgres did not start: its data in " + root.resolve("data"))
                .hasMessageContaining("was made before local mode gave PostgreSQL passwords")
                .hasMessageContaining("trusts every local connection")
                .hasMessageContaining("./pipeline down")
                .hasMessageContaining("delete " + root);
        assertThat(upgraded.isRunning(ServerKind.POSTGRES)).isFalse();
        assertThat(Ports.isListening(upgraded.ports().postgres())).isFalse();
    }

    @Test
    void aLostLoginsFileIsRefusedAndPuttingItBackStartsAgain() throws Exception {
        LocalStack first = stack();
        first.start(ServerKind.POSTGRES);
        first.stop(ServerKind.POSTGRES);
        Path file = stateDir.resolve(PostgresLogins.FILE);
        String saved = Files.readString(file);
        Files.delete(file);

        LocalStack lost = stack(); // generates new passwords, which PostgreSQL's data was not made with
        assertThatThrownBy(() -> lost.start(ServerKind.POSTGRES))
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("was made with other passwords than those in " + file)
                .hasMessageContaining("Put the file back");
        assertThat(lost.isRunning(ServerKind.POSTGRES)).isFalse();

        Files.writeString(file, saved);
        LocalStack restored = stack();
        restored.start(ServerKind.POSTGRES);
        assertThat(restored.isHealthy(ServerKind.POSTGRES)).isTrue();
        try (Connection connection = connect(restored, restored.postgresLogins().ingest())) {
            assertThat(connection.isValid(5)).isTrue();
        }
    }

    private LocalStack stack() {
        LocalStack stack = LocalStack.attached(stateDir, Ports.ephemeral(), progress::add);
        stacks.add(stack);
        return stack;
    }

    private static Connection connect(LocalStack stack, PostgresLogin login) throws SQLException {
        return DriverManager.getConnection(stack.postgresJdbcUrl(stack.postgresIngestDatabase()), login.username(), login.password());
    }
}
