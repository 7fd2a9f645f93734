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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Start, stop, restart and failure of one server, on a stack of its own. PostgreSQL stands in for
 * every kind here because it starts in about a second; the mechanics are the same for all.
 */
class ServerLifecycleIT {

    // Below target/, not /tmp: as root, PostgreSQL runs as nobody, who cannot enter JUnit's private temp folders.
    private final Path stateDir = StateDirs.newUnderTarget();

    private final List<String> progress = new CopyOnWriteArrayList<>();
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
    void aStateFolderThatNobodyCanEnterStillRunsPostgres() throws Exception {
        // root's home is rwx------: as root, PostgreSQL runs as nobody, who cannot enter it.
        Path privateParent = Files.createDirectory(stateDir.resolve("private"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path privateState = privateParent.resolve("state");
        Path relocated = PostgresServer.relocatedRoot(privateState.resolve("postgres"));
        try {
            stack = LocalStack.attached(privateState, Ports.ephemeral(), progress::add);
            stack.start(ServerKind.POSTGRES);
            execute("CREATE TABLE survivor (id int)", "INSERT INTO survivor VALUES (7)");
            assertThat(queryInt("SELECT id FROM survivor")).isEqualTo(7);
            if ("root".equals(System.getProperty("user.name"))) {
                assertThat(relocated.resolve("data/PG_VERSION")).exists();
                assertThat(Files.readString(privateState.resolve("postgres/data-location.txt"))).contains(relocated.toString());
            } else {
                assertThat(privateState.resolve("postgres/data/PG_VERSION")).exists(); // runs as this user, who owns the folder
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
            deleteRecursively(relocated);
        }
    }

    @Test
    void aServerStoppingAfterASigtermFromOutsideIsStartedAgainNotCountedAsRunning() throws Exception {
        Ports ports = Ports.ephemeral();
        stack = LocalStack.attached(stateDir, ports, progress::add);
        stack.start(ServerKind.POSTGRES);
        long stopping = stack.pid(ServerKind.POSTGRES).orElseThrow();
        // SIGTERM is PostgreSQL's "smart" shutdown: it refuses new clients at once but runs until this one leaves,
        // like a service finishing its requests during a graceful shutdown.
        Connection lastClient = connect();
        ProcessHandle.of(stopping).orElseThrow().destroy();
        awaitRefusing();

        CountDownLatch waiting = new CountDownLatch(1);
        LocalStack second = LocalStack.detached(stateDir, ports, line -> {
            progress.add(line);
            if (line.contains("does not answer; waiting for it to answer or exit")) {
                waiting.countDown();
            }
        });
        Thread leave = new Thread(() -> {
            try {
                // Only once the new launcher says it waits for the dying server does the server get to exit.
                if (waiting.await(60, TimeUnit.SECONDS)) {
                    lastClient.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        leave.start();
        second.start(ServerKind.POSTGRES);
        leave.join();
        assertThat(progress).anyMatch(line -> line.contains("is running but does not answer"));

        assertThat(ProcessHandle.of(stopping).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(second.pid(ServerKind.POSTGRES)).get().isNotEqualTo(stopping);
        assertThat(second.isHealthy(ServerKind.POSTGRES)).isTrue();
        assertThat(progress).anyMatch(line -> line.contains("was stopping; starting it again"));
        second.stopAll();
    }

    @Test
    void theSupervisorStartsAKilledServerAgainButNotOneStoppedOnPurpose() throws Exception {
        stack = LocalStack.attached(stateDir, Ports.ephemeral(), progress::add);
        stack.start(ServerKind.POSTGRES);
        execute("CREATE TABLE survivor (id int)", "INSERT INTO survivor VALUES (9)");
        Supervisor supervisor = new Supervisor(stack, progress::add);
        assertThat(supervisor.restartCrashed()).isEmpty();

        ProcessHandle killed = ProcessHandle.of(stack.pid(ServerKind.POSTGRES).orElseThrow()).orElseThrow();
        killed.destroyForcibly(); // kill -9
        killed.onExit().get(30, TimeUnit.SECONDS);

        assertThat(supervisor.restartCrashed()).containsExactly(ServerId.first(ServerKind.POSTGRES));
        assertThat(stack.pid(ServerKind.POSTGRES)).get().isNotEqualTo(killed.pid());
        assertThat(stack.isHealthy(ServerKind.POSTGRES)).isTrue();
        assertThat(queryInt("SELECT id FROM survivor")).isEqualTo(9);
        assertThat(progress).anyMatch(line -> line.startsWith("postgres is gone without a stop being asked for; starting it again (restart 1"));

        stack.stop(ServerKind.POSTGRES);
        assertThat(stack.crashed()).isEmpty();
        assertThat(supervisor.restartCrashed()).isEmpty();
        assertThat(stack.isRunning(ServerKind.POSTGRES)).isFalse();
    }

    @Test
    void theSupervisorBacksOffWhenAServerKeepsCrashing() {
        assertThat(Supervisor.backoff(1)).hasSeconds(1);
        assertThat(Supervisor.backoff(2)).hasSeconds(2);
        assertThat(Supervisor.backoff(4)).hasSeconds(8);
        assertThat(Supervisor.backoff(20)).isEqualTo(Supervisor.MAX_BACKOFF);
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

    private void awaitRefusing() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (stack.isHealthy(ServerKind.POSTGRES)) {
            assertThat(System.nanoTime()).as("PostgreSQL still accepts clients 30 s after SIGTERM").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private Connection connect() throws Exception {
        PostgresLogin superuser = stack.postgresLogins().superuser();
        return DriverManager.getConnection(stack.postgresJdbcUrl("postgres"), superuser.username(), superuser.password());
    }
}
