package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.userstream.localstack.test.LocalServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The local PostgreSQL as the launcher sets it up: every connection logs in with a password, and ingest-service's and
 * Airflow's roles can do their work and nothing more. Against the real server; each check fails on a server that
 * trusts connections (initdb {@code --auth=trust}, as before) or on roles with more rights.
 */
@LocalServers(ServerKind.POSTGRES)
class PostgresAccessIT {

    /** SQLSTATE of "password authentication failed". */
    private static final String INVALID_PASSWORD = "28P01";
    /** SQLSTATE of "permission denied" (for a database, schema, or a superuser-only statement). */
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** Each role with the database it works in. */
    static Stream<Arguments> roles() {
        return Stream.of(
                Arguments.of("postgres", "postgres"),
                Arguments.of("ingest", "ingest"),
                Arguments.of("airflow", "airflow"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void aConnectionWithoutItsPasswordOrWithAWrongOneIsRefused(String role, String database, LocalStack stack) throws Exception {
        assertThatThrownBy(() -> connect(stack, database, role, null))
                .as("%s without a password", role)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("no password was provided");
        assertThatThrownBy(() -> connect(stack, database, role, "wrong-" + login(stack, role).password()))
                .as("%s with a wrong password", role)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INVALID_PASSWORD));
        // Another role's password is a wrong one too.
        PostgresLogin other = role.equals("ingest") ? stack.postgresLogins().airflow() : stack.postgresLogins().ingest();
        assertThatThrownBy(() -> connect(stack, database, role, other.password()))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INVALID_PASSWORD));

        try (Connection connection = connect(stack, database, role, login(stack, role).password())) {
            assertThat(queryString(connection, "SELECT current_user")).isEqualTo(role);
        }
    }

    @Test
    void aRoleThatDoesNotExistIsRefusedLikeAWrongPassword(LocalStack stack) {
        assertThatThrownBy(() -> connect(stack, "postgres", "mallory", "guess"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INVALID_PASSWORD));
    }

    /**
     * TCP and the Unix socket alike: every rule of pg_hba.conf asks for scram-sha-256 (no trust, no peer), and the
     * roles' passwords are stored as SCRAM verifiers. The launcher opens no socket (TCP on 127.0.0.1 only), so the
     * "local" rules are checked as configured rather than by connecting through one.
     */
    @Test
    void everyWayInAsksForAScramPassword(LocalStack stack) throws Exception {
        try (Connection connection = superuser(stack); Statement sql = connection.createStatement()) {
            List<String> rules = new ArrayList<>();
            try (ResultSet rows = sql.executeQuery("SELECT type, auth_method, error FROM pg_hba_file_rules")) {
                while (rows.next()) {
                    assertThat(rows.getString("error")).as("pg_hba.conf error").isNull();
                    rules.add(rows.getString("type") + " " + rows.getString("auth_method"));
                }
            }
            assertThat(rules).contains("local scram-sha-256", "host scram-sha-256")
                    .allSatisfy(rule -> assertThat(rule).endsWith(" scram-sha-256"));
            assertThat(queryString(connection, "SHOW unix_socket_directories")).isEmpty();
            assertThat(queryString(connection, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            try (ResultSet rows = sql.executeQuery("SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('postgres', 'ingest', 'airflow')")) {
                int roles = 0;
                while (rows.next()) {
                    roles++;
                    assertThat(rows.getString("rolpassword")).as(rows.getString("rolname")).startsWith("SCRAM-SHA-256$");
                }
                assertThat(roles).isEqualTo(3);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void ingestAndAirflowAreOrdinaryRolesWithNoRoleGrantedToThem(String role, String database, LocalStack stack) throws Exception {
        try (Connection connection = superuser(stack); Statement sql = connection.createStatement();
             ResultSet rows = sql.executeQuery("SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin,"
                     + " (SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid) AS memberships FROM pg_roles r WHERE rolname = '" + role + "'")) {
            assertThat(rows.next()).as("role %s exists", role).isTrue();
            assertThat(rows.getBoolean("rolcanlogin")).isTrue();
            if (role.equals("postgres")) {
                assertThat(rows.getBoolean("rolsuper")).isTrue(); // the launcher's own; no service gets it
                return;
            }
            assertThat(rows.getBoolean("rolsuper")).as("rolsuper").isFalse();
            assertThat(rows.getBoolean("rolcreatedb")).as("rolcreatedb").isFalse();
            assertThat(rows.getBoolean("rolcreaterole")).as("rolcreaterole").isFalse();
            assertThat(rows.getBoolean("rolreplication")).as("rolreplication").isFalse();
            assertThat(rows.getBoolean("rolbypassrls")).as("rolbypassrls").isFalse();
            // Not a member of pg_read_all_data, pg_write_server_files or any other role.
            assertThat(rows.getInt("memberships")).as("roles granted to %s", role).isZero();
        }
    }

    /** What Flyway does for ingest-service: create its schema, own it, create and use tables in it. */
    @Test
    void ingestCreatesAndOwnsItsSchemaAndTablesInItsDatabase(LocalStack stack) throws Exception {
        try (Connection connection = ingest(stack); Statement sql = connection.createStatement()) {
            sql.execute("CREATE SCHEMA access_it_ledger");
            sql.execute("CREATE TABLE access_it_ledger.run (id int PRIMARY KEY, status text)");
            sql.execute("CREATE INDEX run_by_status ON access_it_ledger.run (status)");
            sql.execute("INSERT INTO access_it_ledger.run VALUES (1, 'RUNNING')");
            sql.execute("UPDATE access_it_ledger.run SET status = 'SUCCEEDED' WHERE id = 1");
            sql.execute("ALTER TABLE access_it_ledger.run ADD COLUMN last_error text");
            assertThat(queryString(connection, "SELECT status FROM access_it_ledger.run WHERE id = 1")).isEqualTo("SUCCEEDED");
            assertThat(queryString(connection, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'access_it_ledger'")).isEqualTo("ingest");
            sql.execute("DROP SCHEMA access_it_ledger CASCADE");
        }
    }

    /** Each statement is one the ingest role must not be able to run; each fails for lack of a privilege. */
    static Stream<Arguments> forbiddenToIngest() {
        return Stream.of(
                Arguments.of("create a role", "CREATE ROLE access_it_role LOGIN PASSWORD 'x'"),
                Arguments.of("create a database", "CREATE DATABASE access_it_database"),
                Arguments.of("make itself superuser", "ALTER ROLE ingest SUPERUSER"),
                Arguments.of("give itself CREATEDB", "ALTER ROLE ingest CREATEDB"),
                Arguments.of("take another role", "GRANT postgres TO ingest"),
                Arguments.of("create in schema public", "CREATE TABLE public.access_it_table (id int)"),
                Arguments.of("create temporary tables", "CREATE TEMPORARY TABLE access_it_temp (id int)"),
                Arguments.of("change its database", "ALTER DATABASE ingest SET work_mem = '1GB'"),
                Arguments.of("read the server's files", "SELECT pg_read_file('pg_hba.conf')"),
                Arguments.of("run programs on the server", "COPY (SELECT 1) TO PROGRAM 'true'"),
                Arguments.of("read the password hashes", "SELECT rolpassword FROM pg_authid"));
    }

    @ParameterizedTest(name = "ingest may not {0}")
    @MethodSource("forbiddenToIngest")
    void ingestCannot(String what, String statement, LocalStack stack) throws Exception {
        try (Connection connection = ingest(stack); Statement sql = connection.createStatement()) {
            assertThatThrownBy(() -> sql.execute(statement))
                    .as("ingest may not %s", what)
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(INSUFFICIENT_PRIVILEGE));
        }
    }

    @Test
    void ingestCannotReadASchemaItDoesNotOwnEvenInItsOwnDatabase(LocalStack stack) throws Exception {
        try (Connection connection = connect(stack, "ingest", "postgres", stack.postgresLogins().superuser().password());
             Statement sql = connection.createStatement()) {
            sql.execute("CREATE SCHEMA IF NOT EXISTS access_it_someone_else");
            sql.execute("CREATE TABLE IF NOT EXISTS access_it_someone_else.secrets (value text)");
        }
        try (Connection connection = ingest(stack); Statement sql = connection.createStatement()) {
            assertThatThrownBy(() -> sql.executeQuery("SELECT * FROM access_it_someone_else.secrets"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
        }
    }

    @Test
    void eachServiceRoleReachesItsOwnDatabaseOnly(LocalStack stack) {
        PostgresLogins logins = stack.postgresLogins();
        for (String database : List.of("airflow", "postgres", "template1")) {
            assertThatThrownBy(() -> connect(stack, database, "ingest", logins.ingest().password()))
                    .as("ingest connects to %s", database)
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
        }
        for (String database : List.of("ingest", "postgres", "template1")) {
            assertThatThrownBy(() -> connect(stack, database, "airflow", logins.airflow().password()))
                    .as("airflow connects to %s", database)
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
        }
    }

    /** What Airflow's migrations need: its database is its own, tables in its public schema included. */
    @Test
    void airflowOwnsItsDatabaseAndCreatesItsTablesButNothingElse(LocalStack stack) throws Exception {
        try (Connection connection = connect(stack, "airflow", "airflow", stack.postgresLogins().airflow().password());
             Statement sql = connection.createStatement()) {
            assertThat(queryString(connection, "SELECT datdba::regrole::text FROM pg_database WHERE datname = 'airflow'")).isEqualTo("airflow");
            sql.execute("CREATE TABLE access_it_dag (id int PRIMARY KEY)");
            sql.execute("ALTER TABLE access_it_dag ADD COLUMN name text");
            sql.execute("DROP TABLE access_it_dag");
            for (String statement : List.of("CREATE ROLE access_it_role", "CREATE DATABASE access_it_database", "ALTER ROLE airflow SUPERUSER")) {
                assertThatThrownBy(() -> sql.execute(statement)).as(statement)
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo(INSUFFICIENT_PRIVILEGE));
            }
        }
    }

    @Test
    void theIngestDatabaseBelongsToTheSuperuserNotToIngest(LocalStack stack) throws Exception {
        try (Connection connection = ingest(stack)) {
            assertThat(queryString(connection, "SELECT datdba::regrole::text FROM pg_database WHERE datname = 'ingest'")).isEqualTo("postgres");
            assertThat(queryString(connection, "SELECT has_database_privilege('ingest', 'TEMP')::text")).isEqualTo("false");
        }
    }

    private static PostgresLogin login(LocalStack stack, String role) {
        return switch (role) {
            case "postgres" -> stack.postgresLogins().superuser();
            case "ingest" -> stack.postgresLogins().ingest();
            case "airflow" -> stack.postgresLogins().airflow();
            default -> throw new IllegalArgumentException(role);
        };
    }

    private static Connection superuser(LocalStack stack) throws SQLException {
        return connect(stack, "postgres", "postgres", stack.postgresLogins().superuser().password());
    }

    private static Connection ingest(LocalStack stack) throws SQLException {
        return connect(stack, stack.postgresIngestDatabase(), "ingest", stack.postgresLogins().ingest().password());
    }

    private static Connection connect(LocalStack stack, String database, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(stack.postgresJdbcUrl(database), properties);
    }

    private static String queryString(Connection connection, String query) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet rows = sql.executeQuery(query)) {
            assertThat(rows.next()).as(query).isTrue();
            return rows.getString(1);
        }
    }
}
