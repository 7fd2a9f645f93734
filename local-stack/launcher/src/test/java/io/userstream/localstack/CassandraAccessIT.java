package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local Cassandra refuses anonymous and wrong logins, and user-store-service's role can do its work and no more. */
class CassandraAccessIT {

    private static final Path STATE_DIR = StateDirs.newUnderTarget();
    private static final List<String> PROGRESS = new CopyOnWriteArrayList<>();
    private static LocalStack stack;

    @BeforeAll
    static void startCassandra() {
        stack = LocalStack.attached(STATE_DIR, Ports.ephemeral(), PROGRESS::add).start(ServerKind.CASSANDRA);
        try (CqlSession admin = session(stack.cassandraLogins().admin())) {
            admin.execute("CREATE KEYSPACE IF NOT EXISTS not_the_stores WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            admin.execute("CREATE TABLE IF NOT EXISTS not_the_stores.secrets (id int PRIMARY KEY, value text)");
        }
    }

    @AfterAll
    static void stopCassandra() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aSessionWithoutCredentialsIsRefused() {
        assertThatThrownBy(() -> builder().build().close())
                .satisfies(e -> assertThat(CassandraServer.isAuthenticationFailure(e)).as("%s", e).isTrue());
    }

    @Test
    void aWrongPasswordIsRefused() {
        CassandraLogin store = stack.cassandraLogins().userStore();
        assertThatThrownBy(() -> session(new CassandraLogin(store.username(), store.password() + "x")).close())
                .satisfies(e -> assertThat(CassandraServer.isAuthenticationFailure(e)).as("%s", e).isTrue());
    }

    @Test
    void theDefaultSuperuserIsGone() {
        assertThatThrownBy(() -> session(new CassandraLogin("cassandra", "cassandra")).close())
                .satisfies(e -> assertThat(CassandraServer.isAuthenticationFailure(e)).as("%s", e).isTrue());
        try (CqlSession admin = session(stack.cassandraLogins().admin())) {
            assertThat(admin.execute("SELECT role FROM system_auth.roles").all()).extracting(row -> row.getString("role"))
                    .containsExactlyInAnyOrder(CassandraLogins.ADMIN, CassandraLogins.USER_STORE);
        }
    }

    @Test
    void thePasswordsAreKeptInTheStateFolderForItsOwnerOnly() throws Exception {
        Path file = STATE_DIR.resolve(CassandraLogins.FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains(stack.cassandraLogins().userStore().password());
    }

    @Test
    void theStoreCreatesReadsWritesAndDropsItsOwnKeyspace() {
        try (CqlSession store = session(stack.cassandraLogins().userStore())) {
            store.execute("CREATE KEYSPACE IF NOT EXISTS store_owned WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            store.execute("CREATE TABLE IF NOT EXISTS store_owned.users (id int PRIMARY KEY, name text)");
            store.execute("ALTER TABLE store_owned.users ADD email text");
            store.execute("INSERT INTO store_owned.users (id, name, email) VALUES (1, 'ada', 'ada@example.org')");
            assertThat(store.execute("SELECT name FROM store_owned.users WHERE id = 1").one().getString("name")).isEqualTo("ada");
            store.execute("TRUNCATE store_owned.users");
            store.execute("DROP KEYSPACE store_owned");
        }
    }

    @Test
    void theStoreCannotManageRolesReadCredentialsOrTouchOtherKeyspaces() {
        try (CqlSession store = session(stack.cassandraLogins().userStore())) {
            assertThatThrownBy(() -> store.execute("CREATE ROLE intruder WITH PASSWORD = 'x' AND LOGIN = true"))
                    .isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> store.execute("GRANT SELECT ON KEYSPACE not_the_stores TO user_store"))
                    .isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> store.execute("SELECT role, salted_hash FROM system_auth.roles"))
                    .isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> store.execute("SELECT * FROM not_the_stores.secrets"))
                    .isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> store.execute("INSERT INTO not_the_stores.secrets (id, value) VALUES (1, 'x')"))
                    .isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> store.execute("DROP KEYSPACE not_the_stores"))
                    .isInstanceOf(UnauthorizedException.class);
            assertThatThrownBy(() -> store.execute("ALTER KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}"))
                    .isInstanceOf(UnauthorizedException.class);
        }
        try (CqlSession admin = session(stack.cassandraLogins().admin())) {
            assertThat(admin.getMetadata().getKeyspace("not_the_stores")).isPresent();
        }
    }

    @Test
    void aRestartKeepsTheRolesAndTheirPasswords() {
        stack.stop(ServerKind.CASSANDRA);
        stack.start(ServerKind.CASSANDRA);
        try (CqlSession store = session(stack.cassandraLogins().userStore())) {
            assertThat(store.execute("SELECT release_version FROM system.local").one()).isNotNull();
        }
        assertThatThrownBy(() -> session(new CassandraLogin("cassandra", "cassandra")).close())
                .satisfies(e -> assertThat(CassandraServer.isAuthenticationFailure(e)).as("%s", e).isTrue());
    }

    /**
     * A state folder from before authentication: the default superuser exists, no userstream_admin, a keyspace
     * the store made without owning it. Simulated on this node (drop the admin, restore the default, a keyspace
     * the store has no grant on), then restarted: the launcher replaces the default again and hands the store
     * the old keyspace.
     */
    @Test
    void aStateFolderFromBeforeAuthenticationIsUpgradedAtStart() {
        try (CqlSession admin = session(stack.cassandraLogins().admin())) {
            admin.execute("CREATE KEYSPACE IF NOT EXISTS from_before WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
            admin.execute("CREATE TABLE IF NOT EXISTS from_before.users (id int PRIMARY KEY, name text)");
            admin.execute("INSERT INTO from_before.users (id, name) VALUES (1, 'ada')");
            admin.execute("CREATE ROLE IF NOT EXISTS cassandra WITH PASSWORD = 'cassandra' AND SUPERUSER = true AND LOGIN = true");
        }
        try (CqlSession store = session(stack.cassandraLogins().userStore())) {
            assertThatThrownBy(() -> store.execute("SELECT name FROM from_before.users")).isInstanceOf(UnauthorizedException.class);
        }
        try (CqlSession defaultSuperuser = session(new CassandraLogin("cassandra", "cassandra"))) {
            defaultSuperuser.execute("DROP ROLE " + CassandraLogins.ADMIN);
        }
        stack.stop(ServerKind.CASSANDRA);
        stack.start(ServerKind.CASSANDRA);

        try (CqlSession store = session(stack.cassandraLogins().userStore())) {
            assertThat(store.execute("SELECT name FROM from_before.users WHERE id = 1").one().getString("name")).isEqualTo("ada");
        }
        assertThatThrownBy(() -> session(new CassandraLogin("cassandra", "cassandra")).close())
                .satisfies(e -> assertThat(CassandraServer.isAuthenticationFailure(e)).as("%s", e).isTrue());
    }

    /** Lost or edited passwords: neither the admin nor the default superuser logs in, and the start says what to do. */
    @Test
    void aStartWithPasswordsTheRolesWereNotMadeWithIsRefusedWithTheFileToFix() throws Exception {
        Path file = STATE_DIR.resolve(CassandraLogins.FILE);
        String saved = Files.readString(file);
        stack.stop(ServerKind.CASSANDRA);
        try {
            Files.writeString(file, saved.replace(stack.cassandraLogins().admin().password(), "not-the-password"));
            try (LocalStack other = LocalStack.attached(STATE_DIR, stack.ports(), PROGRESS::add)) {
                assertThatThrownBy(() -> other.start(ServerKind.CASSANDRA))
                        .isInstanceOf(ServerStartException.class)
                        .hasMessageContaining(CassandraLogins.FILE)
                        .hasMessageContaining("nor the default superuser can log in");
                assertThat(other.isRunning(ServerKind.CASSANDRA)).isFalse();
            }
        } finally {
            Files.writeString(file, saved);
            stack.start(ServerKind.CASSANDRA);
        }
    }

    private static CqlSession session(CassandraLogin login) {
        return builder().withAuthCredentials(login.username(), login.password()).build();
    }

    private static CqlSessionBuilder builder() {
        String[] hostPort = stack.cassandraContactPoint().split(":");
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])))
                .withLocalDatacenter(stack.cassandraLocalDatacenter())
                // Schema changes wait for agreement; the 2 s default is short on a busy 2-core machine.
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(30))
                        .build());
    }
}
