package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Start, stop, restart and failure of one server, on a stack of its own. PostgreSQL stands in for
 * every kind here because it starts in about a second; the mechanics are the same for all.
 */
class ServerLifecycleIT {

    // Below target/, not /tmp: as root, PostgreSQL runs as nobody, who cannot enter JUnit's private temp folders.
    private final Path stateDir = StateDirs.newUnderTarget();

    private final List<String> progress = new ArrayList<>();
    private LocalStack stack;

    @AfterEach
    void closeStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void restartKeepsTheDataAndCloseLeavesNoProcessOrPort() throws Exception {
        stack = LocalStack.attached(stateDir, Ports.ephemeral(), progress::add);
        stack.start(ServerKind.POSTGRES);
        long firstPid = stack.pid(ServerKind.POSTGRES).orElseThrow();
        execute("CREATE TABLE survivor (id int)", "INSERT INTO survivor VALUES (42)");

        stack.stop(ServerKind.POSTGRES);
        assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Ports.isListening(stack.ports().postgres())).isFalse();

        stack.start(ServerKind.POSTGRES);
        assertThat(stack.pid(ServerKind.POSTGRES)).get().isNotEqualTo(firstPid);
        assertThat(queryInt("SELECT id FROM survivor")).isEqualTo(42);

        long secondPid = stack.pid(ServerKind.POSTGRES).orElseThrow();
        stack.close();
        assertThat(ProcessHandle.of(secondPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Ports.isListening(stack.ports().postgres())).isFalse();
        assertThat(progress).anyMatch(line -> line.startsWith("postgres ready on 127.0.0.1:" + stack.ports().postgres()));
    }

    @Test
    void aBusyPortFailsFastNamingThePortAndTheServer() throws Exception {
        Ports ports = Ports.ephemeral();
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.postgres()));
            stack = LocalStack.attached(stateDir, ports, progress::add);

            assertThatThrownBy(() -> stack.start(ServerKind.POSTGRES))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageContaining("Port " + ports.postgres())
                    .hasMessageContaining("postgres");
        }
        assertThat(stack.isRunning(ServerKind.POSTGRES)).isFalse();
    }

    @Test
    void aServerThatExitsAtStartUpFailsWithTheTailOfItsLog() throws Exception {
        stack = LocalStack.attached(stateDir, Ports.ephemeral(), progress::add);
        stack.start(ServerKind.POSTGRES);
        stack.stop(ServerKind.POSTGRES);
        // A setting PostgreSQL rejects: the server logs why and exits.
        Files.writeString(stateDir.resolve("postgres/data/postgresql.auto.conf"), "shared_buffers = 'plenty'\n", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> stack.start(ServerKind.POSTGRES))
                .isInstanceOf(ServerStartException.class)
                .hasMessageContaining("postgres did not start: the process exited")
                .hasMessageContaining("last lines of")
                .hasMessageContaining("shared_buffers");
        assertThat(stack.isRunning(ServerKind.POSTGRES)).isFalse();
    }

    @Test
    void asRootAStateFolderThatNobodyCanEnterIsNamed() throws Exception {
        Path privateParent = Files.createDirectory(stateDir.resolve("private"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        stack = LocalStack.attached(privateParent.resolve("state"), Ports.ephemeral(), progress::add);
        if ("root".equals(System.getProperty("user.name"))) {
            assertThatThrownBy(() -> stack.start(ServerKind.POSTGRES))
                    .isInstanceOf(ServerStartException.class)
                    .hasMessageContaining("cannot enter " + privateParent)
                    .hasMessageContaining("chmod o+x");
        } else {
            stack.start(ServerKind.POSTGRES); // the server runs as this user, who owns the folder
            assertThat(stack.isHealthy(ServerKind.POSTGRES)).isTrue();
        }
    }

    @Test
    void aServerWhoseRequirementIsNeitherRunningNorAskedForIsRefusedBeforeAnythingStarts() {
        stack = LocalStack.attached(stateDir, Ports.ephemeral(), progress::add);

        assertThatThrownBy(() -> stack.start(ServerKind.AIRFLOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("airflow needs postgres running");
        assertThat(progress).isEmpty();
    }

    @Test
    void aNewLauncherAdoptsRunningServersThroughTheirPidFiles() throws Exception {
        Ports ports = Ports.ephemeral();
        stack = LocalStack.attached(stateDir, ports, progress::add);
        stack.start(ServerKind.POSTGRES);
        long pid = stack.pid(ServerKind.POSTGRES).orElseThrow();

        LocalStack second = LocalStack.detached(stateDir, ports, progress::add);
        assertThat(second.pid(ServerKind.POSTGRES)).contains(pid);
        assertThat(second.isHealthy(ServerKind.POSTGRES)).isTrue();
        second.stopAll();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    private void execute(String... statements) throws Exception {
        try (Connection connection = connect()) {
            for (String sql : statements) {
                connection.createStatement().execute(sql);
            }
        }
    }

    private int queryInt(String sql) throws Exception {
        try (Connection connection = connect(); ResultSet rows = connection.createStatement().executeQuery(sql)) {
            assertThat(rows.next()).isTrue();
            return rows.getInt(1);
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(stack.postgresJdbcUrl("postgres"), stack.postgresUsername(), "");
    }
}
