package io.userstream.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;

/**
 * PostgreSQL 17 from the portable binaries the build unpacked, run as a plain child process
 * ({@code postgres -D ...}, not pg_ctl, so its PID is ours to stop).
 *
 * <p>PostgreSQL refuses to run as root, so as root it runs as nobody, who must be able to enter every
 * folder above its binaries and data. A checkout in root's home ({@code /root} is {@code rwx------}) is
 * not such a place: there the binaries and data live in {@code /var/tmp/userstream-postgres-<hash of
 * the state folder>} instead (kept across reboots, like the rest of the state), while the log and PID
 * file stay in the state folder.
 *
 * <p>Every connection needs a password (scram-sha-256, over TCP and the Unix socket alike: initdb writes no
 * {@code trust} line). The passwords are the stack's {@link PostgresLogins}: initdb sets the superuser's, and after
 * every start {@link #afterReady()} makes sure the roles and databases of ingest-service and Airflow exist as
 * described there, with the passwords of the file.
 *
 * <p>A data folder made before local mode had passwords (it trusts every connection) is refused at start, with what
 * to delete; see {@link #prepare()}.
 */
record PostgresServer(Path home, Ports ports, Distributions distributions, PostgresLogins logins) implements LocalServer {

    static final String USER = PostgresLogins.SUPERUSER;
    /** ingest-service's database: its role may connect and create schemas (Flyway's {@code ingest}) here, nowhere else. */
    static final String INGEST_DATABASE = "ingest";
    /** Airflow's metadata database, owned by its role. */
    static final String AIRFLOW_DATABASE = "airflow";
    /** Beside the data folder: the {@code id} of the logins file initdb took the superuser's password from. */
    static final String LOGINS_ID_FILE = "postgres-logins.id";
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
        if (Files.exists(data.resolve("PG_VERSION"))) {
            requireMadeWithTheseLogins(data);
            return;
        }
        Files.createDirectories(data);
        if (LocalServer.runningAsRoot()) {
            run(List.of("chown", "-R", UNPRIVILEGED_ID + ":" + UNPRIVILEGED_ID, data.toString()), "handing the data folder to uid " + UNPRIVILEGED_ID);
        }
        // initdb reads the superuser's password from a file (never the command line); as root it runs as nobody,
        // so the file is handed to nobody, readable by it alone, and deleted right after.
        Path passwordFile = root.resolve("initdb-password");
        Files.deleteIfExists(passwordFile);
        Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(passwordFile, logins.superuser().password() + "\n");
            if (LocalServer.runningAsRoot()) {
                run(List.of("chown", UNPRIVILEGED_ID + ":" + UNPRIVILEGED_ID, passwordFile.toString()), "handing the password file to uid " + UNPRIVILEGED_ID);
            }
            List<String> initdb = new ArrayList<>(asServerUser());
            initdb.addAll(List.of(binaries.resolve("bin/initdb").toString(), "-D", data.toString(), "-U", USER,
                    "--pwfile=" + passwordFile,
                    // Every connection, TCP ("host") and Unix socket ("local"), logs in with a password.
                    "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                    "-E", "UTF8", "--locale=C", "--no-instructions"));
            run(initdb, "initdb");
        } finally {
            Files.deleteIfExists(passwordFile);
        }
        Files.writeString(loginsIdFile(), logins.id() + "\n");
    }

    /**
     * An existing data folder must have been made with the superuser's password of this state folder's
     * {@link PostgresLogins#FILE}; otherwise nothing could log in. Data from before local mode had passwords
     * (initdb {@code --auth=trust}, no roles for the services) is refused rather than upgraded in place: its
     * Airflow database and ledger schema belong to the superuser, and handing every object to the new roles is
     * more risk than the local run history is worth.
     */
    private void requireMadeWithTheseLogins(Path data) throws IOException {
        Path idFile = loginsIdFile();
        Path loginsFile = home.getParent().resolve(PostgresLogins.FILE);
        String fresh = "Stop the stack (./pipeline down) and delete " + serverRoot()
                + " to start PostgreSQL afresh: the run ledger and Airflow's run history in it are lost;"
                + " Kafka, Cassandra and the API logins are kept.";
        if (!Files.exists(idFile)) {
            throw new ServerStartException(kind(), "its data in " + data + " was made before local mode gave PostgreSQL passwords"
                    + (trustsConnections(data) ? " (its pg_hba.conf trusts every local connection)" : "")
                    + ", so it has no roles for ingest-service and Airflow. " + fresh);
        }
        if (!Files.readString(idFile).strip().equals(logins.id())) {
            throw new ServerStartException(kind(), "its data in " + data + " was made with other passwords than those in " + loginsFile
                    + " (the file was deleted or replaced since). Put the file back, or: " + fresh);
        }
    }

    private static boolean trustsConnections(Path data) {
        try {
            return Files.readAllLines(data.resolve("pg_hba.conf")).stream()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .anyMatch(line -> List.of(line.split("\\s+")).contains("trust"));
        } catch (IOException e) {
            return false; // unreadable: the message goes without the detail
        }
    }

    /**
     * Makes sure, at every start, that the roles and databases exist as follows (and gives the roles the passwords
     * of {@link PostgresLogins#FILE}). The least that lets each do its work:
     * <ul>
     *   <li>{@code ingest}: LOGIN, NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS. On database
     *       {@code ingest} (owned by the superuser, so ingest cannot drop it, change its settings or grant on it):
     *       CONNECT, and CREATE, which creates schemas only: Flyway creates schema {@code ingest} and its tables,
     *       which ingest then owns, as the integration tests do with a schema of their own per class. No TEMP, no
     *       other database.</li>
     *   <li>{@code airflow}: LOGIN, the same NO... attributes, the owner of database {@code airflow}: Airflow's
     *       migrations create, alter and drop its tables in its {@code public} schema (PostgreSQL 15+ gives a
     *       schema's CREATE only to the database owner).</li>
     *   <li>PUBLIC (every role) loses CONNECT and TEMP on every database, {@code postgres} and {@code template1}
     *       included: a role reaches only the database it was granted or owns.</li>
     * </ul>
     */
    @Override
    public void afterReady() {
        try (Connection connection = connect("postgres", logins.superuser());
             Statement sql = connection.createStatement()) {
            for (PostgresLogin role : List.of(logins.ingest(), logins.airflow())) {
                if (!exists(connection, "SELECT 1 FROM pg_roles WHERE rolname = ?", role.username())) {
                    sql.execute("CREATE ROLE " + role.username() + " LOGIN");
                }
                sql.execute("ALTER ROLE " + role.username() + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
                // Hashed by the driver: only the SCRAM verifier reaches the server (and any log of the statement).
                connection.unwrap(PGConnection.class).alterUserPassword(role.username(), role.password().toCharArray(), "scram-sha-256");
            }
            if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", INGEST_DATABASE)) {
                sql.execute("CREATE DATABASE " + INGEST_DATABASE);
            }
            if (!exists(connection, "SELECT 1 FROM pg_database WHERE datname = ?", AIRFLOW_DATABASE)) {
                sql.execute("CREATE DATABASE " + AIRFLOW_DATABASE + " OWNER " + logins.airflow().username());
            }
            for (String database : List.of("postgres", "template1", INGEST_DATABASE, AIRFLOW_DATABASE)) {
                sql.execute("REVOKE ALL ON DATABASE " + database + " FROM PUBLIC");
            }
            sql.execute("GRANT CONNECT, CREATE ON DATABASE " + INGEST_DATABASE + " TO " + logins.ingest().username());
        } catch (SQLException e) {
            throw new ServerStartException(kind(), "could not set up the roles and databases of ingest-service and Airflow: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection connection, String query, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
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

    /** {@code SELECT 1} as the superuser, with its password. */
    @Override
    public boolean answers() {
        try (Connection connection = connect("postgres", logins.superuser())) {
            return connection.createStatement().executeQuery("SELECT 1").next();
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection connect(String database, PostgresLogin login) throws SQLException {
        Properties credentials = new Properties();
        credentials.setProperty("user", login.username());
        credentials.setProperty("password", login.password());
        credentials.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(jdbcUrl(database), credentials);
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

    private Path loginsIdFile() {
        return serverRoot().resolve(LOGINS_ID_FILE);
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
