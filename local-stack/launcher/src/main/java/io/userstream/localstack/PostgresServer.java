package io.userstream.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL 17 from the portable binaries the build unpacked, run as a plain child process
 * ({@code postgres -D ...}, not pg_ctl, so its PID is ours to stop).
 *
 * <p>PostgreSQL refuses to run as root, so as root it runs as nobody, who must be able to enter every
 * folder above its binaries and data. A checkout in root's home ({@code /root} is {@code rwx------}) is
 * not such a place: there the binaries and data live in {@code /var/tmp/userstream-postgres-<hash of
 * the state folder>} instead (kept across reboots, like the rest of the state), while the log and PID
 * file stay in the state folder.
 */
record PostgresServer(Path home, Ports ports, Distributions distributions) implements LocalServer {

    static final String USER = "postgres";
    /** PostgreSQL refuses to run as root; as root we run it as nobody/nogroup (65534 on Linux) instead. */
    private static final String UNPRIVILEGED_ID = "65534";

    @Override
    public int clientPort() {
        return ports.postgres();
    }

    @Override
    public ServerKind kind() {
        return ServerKind.POSTGRES;
    }

    /** Checked before any server starts: the archive is there and nobody can reach where it will run from. */
    @Override
    public void requireInstalled() {
        distributions.postgresArchive();
        if (LocalServer.runningAsRoot()) {
            try {
                requireTraversableByServerUser(serverRoot());
            } catch (IOException e) {
                throw new ServerStartException(kind(), "cannot check the permissions of " + serverRoot() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Where the binaries and the data live: the state folder, unless nobody cannot enter it (see the class comment). */
    Path serverRoot() {
        if (!LocalServer.runningAsRoot() || traversableByOthers(home)) {
            return home;
        }
        return relocatedRoot(home);
    }

    /** The folder below /var/tmp (world-traversable) used for a state folder that nobody cannot enter. */
    static Path relocatedRoot(Path home) {
        String hash = Integer.toHexString(home.toAbsolutePath().normalize().toString().hashCode());
        return Path.of("/var/tmp", "userstream-postgres-" + hash);
    }

    private static boolean traversableByOthers(Path dir) {
        try {
            for (Path folder = dir.toAbsolutePath().getParent(); folder != null; folder = folder.getParent()) {
                if (!Files.getPosixFilePermissions(folder).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void prepare() throws IOException, InterruptedException {
        Path root = serverRoot();
        if (!root.equals(home)) {
            Files.createDirectories(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            Files.writeString(home.resolve("data-location.txt"), "PostgreSQL's binaries and data are in " + root
                    + " (nobody, who runs PostgreSQL for root, cannot enter " + home + ")\n");
        }
        Path binaries = root.resolve("binaries");
        if (!Files.isExecutable(binaries.resolve("bin/postgres"))) {
            Files.createDirectories(binaries);
            run(List.of("tar", "-xJf", distributions.postgresArchive().toString(), "-C", binaries.toString()), "unpacking the binaries");
        }
        Path data = dataDirectory();
        if (!Files.exists(data.resolve("PG_VERSION"))) {
            Files.createDirectories(data);
            if (LocalServer.runningAsRoot()) {
                run(List.of("chown", "-R", UNPRIVILEGED_ID + ":" + UNPRIVILEGED_ID, data.toString()), "handing the data folder to uid " + UNPRIVILEGED_ID);
            }
            List<String> initdb = new ArrayList<>(asServerUser());
            initdb.addAll(List.of(binaries.resolve("bin/initdb").toString(), "-D", data.toString(), "-U", USER,
                    "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions"));
            run(initdb, "initdb");
        }
    }

    @Override
    public List<String> command() {
        List<String> command = new ArrayList<>(asServerUser());
        command.addAll(List.of(
                serverRoot().resolve("binaries/bin/postgres").toString(),
                "-D", dataDirectory().toString(),
                "-p", Integer.toString(ports.postgres()),
                "-c", "listen_addresses=127.0.0.1",
                // TCP only: a socket path under a deep checkout can exceed the 107-byte limit.
                "-c", "unix_socket_directories=",
                "-c", "max_connections=200",
                "-c", "fsync=on"));
        return command;
    }

    @Override
    public boolean answers() {
        Properties credentials = new Properties();
        credentials.setProperty("user", USER);
        credentials.setProperty("connectTimeout", "3");
        try (Connection connection = DriverManager.getConnection(jdbcUrl("postgres"), credentials)) {
            return connection.createStatement().executeQuery("SELECT 1").next();
        } catch (SQLException e) {
            return false;
        }
    }

    /** SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") would wait for every client to leave. */
    @Override
    public void requestStop(ProcessHandle process) {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }

    String jdbcUrl(String database) {
        return jdbcUrl(ports.postgres(), database);
    }

    static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private Path dataDirectory() {
        return serverRoot().resolve("data");
    }

    private static List<String> asServerUser() {
        return LocalServer.runningAsRoot()
                ? List.of("setpriv", "--reuid=" + UNPRIVILEGED_ID, "--regid=" + UNPRIVILEGED_ID, "--clear-groups")
                : List.of();
    }

    /** As root the server runs as uid 65534, which must be able to enter every folder above its own. */
    private void requireTraversableByServerUser(Path dir) throws IOException {
        for (Path folder = dir.toAbsolutePath().getParent(); folder != null; folder = folder.getParent()) {
            if (!Files.getPosixFilePermissions(folder).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new ServerStartException(kind(), "PostgreSQL refuses to run as root, so local-stack runs it as nobody (uid "
                        + UNPRIVILEGED_ID + "), who cannot enter " + folder + " (" + PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))
                        + "). Run as a non-root user or allow it: chmod o+x " + folder);
            }
        }
    }

    private void run(List<String> command, String what) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new ServerStartException(kind(), what + " failed", logFile(), ServerProcess.tail(logFile()));
        }
    }
}
