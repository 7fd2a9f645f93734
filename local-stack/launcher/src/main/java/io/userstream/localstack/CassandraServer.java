package io.userstream.localstack;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.auth.AuthenticationException;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Cassandra 5.0 node in its own JVM (it does not belong in a test JVM: SecurityManager, netty 4.1): the only one,
 * or node n of a cluster ({@link Topology}) on 127.0.0.n with the same ports, its token an n-th of the ring, joining
 * once node n − 1 answers (Cassandra refuses two bootstraps at once). A cluster's roles are set up by its last node,
 * when the ring is whole, with system_auth replicated {@link Topology#replicas()} times.
 *
 * <p>Secured as in production: PasswordAuthenticator, CassandraAuthorizer, CassandraRoleManager. After the
 * first start of a state folder {@link #afterReady()} replaces the default superuser {@code cassandra/cassandra}
 * with {@code userstream_admin} (generated password, {@link CassandraLogins}), drops the default, and creates
 * user-store-service's role with only {@link #STORE_GRANTS}. A session without credentials is refused.
 */
record CassandraServer(Path home, Ports ports, Distributions distributions, CassandraLogins logins, int number, Topology topology)
        implements LocalServer {

    /** How long a joining node waits for the ring's gossip (Cassandra's default, 30 s, is for real networks; this is loopback). */
    private static final Duration JOIN_RING_DELAY = Duration.ofSeconds(5);

    static final String LOCAL_DATACENTER = "datacenter1";

    /** Cassandra's default superuser, created by the first start with authentication on; dropped by {@link #afterReady()}. */
    private static final CassandraLogin DEFAULT_SUPERUSER = new CassandraLogin("cassandra", "cassandra");

    /**
     * How long both logins may be refused before a start gives up: Cassandra creates the default superuser just
     * after the CQL port opens (superuser_setup_delay_ms 0), which takes well under a second here.
     */
    private static final Duration DEFAULT_SUPERUSER_GRACE = Duration.ofSeconds(20);

    /** Per node (home folder): since when both logins have been refused during this start. */
    private static final Map<Path, Instant> REFUSED_SINCE = new ConcurrentHashMap<>();

    /**
     * What user-store-service's role may do. The store owns its schema: its start-up migrations create the
     * keyspace (its name and replication are settings, and tests use keyspaces of their own) and the tables.
     * So it gets CREATE on all keyspaces and nothing else; Cassandra grants the creator of a keyspace every
     * permission on that keyspace and its tables (ALTER, DROP, SELECT, MODIFY...), so the store reads and
     * writes only the keyspaces it created itself. It cannot read or change other keyspaces, roles or
     * system_auth. Not chosen: the launcher creating the keyspace and granting the store SELECT/MODIFY on it,
     * because the replication of the keyspace is the store's setting and every test keyspace would need the
     * launcher.
     */
    static final List<String> STORE_GRANTS = List.of("GRANT CREATE ON ALL KEYSPACES TO " + CassandraLogins.USER_STORE);

    /** Cassandra's own conf/jvm17-server.options: without these it stops at once on Java 17. */
    private static final List<String> JAVA17_FLAGS = List.of(
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
            "--add-exports", "java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports", "jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports", "jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports", "jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens", "jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED");

    @Override
    public int clientPort() {
        return ports.cassandra();
    }

    @Override
    public ServerKind kind() {
        return ServerKind.CASSANDRA;
    }

    @Override
    public ServerId id() {
        return new ServerId(ServerKind.CASSANDRA, number);
    }

    @Override
    public String address() {
        return "127.0.0." + number;
    }

    /** The same ports as every node, on its own address. */
    @Override
    public int[] boundPorts(Ports stackPorts) {
        return stackPorts.boundBy(kind());
    }

    @Override
    public Set<ServerId> startsAfter() {
        return number == 1 ? Set.of() : Set.of(new ServerId(ServerKind.CASSANDRA, number - 1));
    }

    @Override
    public Duration readyTimeout() {
        return number == 1 ? LocalServer.super.readyTimeout() : LocalServer.super.readyTimeout().plus(JOIN_RING_DELAY.multipliedBy(2));
    }

    /** Node n's token: the ring split evenly between the nodes, node 1 at 0 (a lone node's token). */
    private String initialToken() {
        BigInteger ring = BigInteger.TWO.pow(64);
        BigInteger token = ring.multiply(BigInteger.valueOf(number - 1)).divide(BigInteger.valueOf(topology.nodes()));
        return (token.compareTo(BigInteger.TWO.pow(63)) >= 0 ? token.subtract(ring) : token).toString();
    }

    /** system_auth's replication: one replica on a lone node, {@link Topology#replicas()} in the data center of a cluster. */
    private String authReplication() {
        return topology.isCluster()
                ? "{'class': 'NetworkTopologyStrategy', '" + LOCAL_DATACENTER + "': " + topology.replicas() + "}"
                : "{'class': 'SimpleStrategy', 'replication_factor': 1}";
    }

    @Override
    public void requireInstalled() {
        distributions.cassandraClasspath();
    }

    @Override
    public void prepare() throws IOException {
        REFUSED_SINCE.remove(home); // a new start: the grace for refused logins begins again
        Files.createDirectories(home.resolve("data"));
        // num_tokens 1 + initial_token 0: a single node needs no ring delay on first boot.
        // commitlog_sync batch: a write is acknowledged only once its commit-log entry is synced. With the
        // default (periodic, 10 s) Cassandra acknowledges first and marks the log's readable end only every
        // ~100 ms, so a kill -9 of this lone replica lost writes the store had already committed offsets for.
        // The memtable/compaction/sstable lines are the write-relevant subset of Cassandra 5.0's
        // conf/cassandra_latest.yaml (about 20% more writes per second here).
        Files.writeString(home.resolve("cassandra.yaml"), """
                cluster_name: userstream-local
                num_tokens: 1
                initial_token: %3$s
                partitioner: org.apache.cassandra.dht.Murmur3Partitioner
                endpoint_snitch: SimpleSnitch
                seed_provider:
                  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                    parameters:
                      - seeds: "127.0.0.1:%2$d"
                listen_address: %4$s
                rpc_address: %4$s
                storage_port: %2$d
                native_transport_port: %1$d
                start_native_transport: true
                authenticator: PasswordAuthenticator
                authorizer: CassandraAuthorizer
                role_manager: CassandraRoleManager
                commitlog_sync: batch
                auto_snapshot: false
                storage_compatibility_mode: NONE
                memtable_allocation_type: offheap_objects
                memtable:
                  configurations:
                    skiplist: {class_name: SkipListMemtable}
                    trie: {class_name: TrieMemtable}
                    default: {inherits: trie}
                default_compaction:
                  class_name: UnifiedCompactionStrategy
                  parameters: {scaling_parameters: T4, max_sstables_to_compact: 64, target_sstable_size: 1GiB,
                               sstable_growth: 0.3333333333333333, min_sstable_size: 100MiB}
                sstable:
                  selected_format: bti
                """.formatted(ports.cassandra(), ports.cassandraStorage(), initialToken(), address()));
        Files.writeString(home.resolve("logback.xml"), """
                <configuration>
                  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.apache.cassandra.utils.SigarLibrary" level="ERROR"/>
                  <root level="INFO"><appender-ref ref="STDOUT"/></root>
                </configuration>
                """);
    }

    @Override
    public List<String> command() {
        List<String> command = new ArrayList<>();
        if (LocalServer.runningAsRoot()) {
            // As root, JNA's mlockall succeeds and pins the whole heap in RAM; without CAP_IPC_LOCK it cannot.
            command.addAll(List.of("setpriv", "--bounding-set=-ipc_lock"));
        }
        command.add(LocalServer.javaExecutable().toString());
        command.addAll(List.of(
                "-Xms256m", "-Xmx1g", "-Xss256k",
                "-XX:+UseG1GC", "-XX:+ParallelRefProcEnabled", "-XX:MaxTenuringThreshold=1",
                "-XX:G1HeapRegionSize=16m", "-XX:MaxGCPauseMillis=300",
                "-XX:+PerfDisableSharedMem",
                "-ea", "-da:net.openhft...",
                "-Djava.net.preferIPv4Stack=true",
                "-Djdk.attach.allowAttachSelf=true",
                "-Dio.netty.tryReflectionSetAccessible=true",
                "-Dcassandra.config=" + home.resolve("cassandra.yaml").toUri(),
                "-Dlogback.configurationFile=" + home.resolve("logback.xml"),
                "-Dcassandra.logdir=" + home,
                "-Dcassandra.storagedir=" + home.resolve("data"),
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.superuser_setup_delay_ms=0",
                "-Dcassandra-foreground=yes"));
        if (number > 1) {
            command.add("-Dcassandra.ring_delay_ms=" + JOIN_RING_DELAY.toMillis());
        }
        command.addAll(JAVA17_FLAGS);
        command.addAll(List.of(
                "-cp", distributions.cassandraClasspath().resolve("*").toString(),
                "org.apache.cassandra.service.CassandraDaemon"));
        return command;
    }

    /**
     * A login round trip: as {@code userstream_admin}, or, on the first start before {@link #afterReady()} ran,
     * as the default superuser (Cassandra creates it shortly after the CQL port opens).
     */
    @Override
    public boolean answers() {
        for (CassandraLogin login : List.of(logins.admin(), DEFAULT_SUPERUSER)) {
            try (CqlSession session = probeSession(login)) {
                REFUSED_SINCE.remove(home);
                return session.execute("SELECT release_version FROM system.local").one() != null;
            } catch (RuntimeException e) {
                if (!isAuthenticationFailure(e)) {
                    return false;
                }
            }
        }
        // Cassandra answered and refused both logins. Right after the first start's CQL port opens, that is normal
        // for a moment: the default superuser is being created. If it lasts, the roles were made with other passwords.
        Instant since = REFUSED_SINCE.computeIfAbsent(home, ignored -> Instant.now());
        if (Duration.between(since, Instant.now()).compareTo(DEFAULT_SUPERUSER_GRACE) > 0) {
            REFUSED_SINCE.remove(home);
            throw new ServerStartException(kind(), refusedBoth());
        }
        return false;
    }

    private String refusedBoth() {
        return "neither " + CassandraLogins.ADMIN + " with the password in " + CassandraLogins.FILE
                + " nor the default superuser can log in: the roles were created with other passwords."
                + " Restore that file, or delete " + home() + " and " + CassandraLogins.FILE + " to start over";
    }

    /**
     * Brings the roles in line, on every start (each step is idempotent). The first start of a state folder
     * (or of one from before authentication: the default superuser then also exists, since Cassandra creates
     * it whenever system_auth has no role) logs in as {@code cassandra/cassandra}, creates
     * {@code userstream_admin}, then, logged in as that, creates the store's role, hands the store every
     * keyspace that already exists (in such an old folder, only the store ever created keyspaces) and drops
     * the default superuser, as Cassandra's documentation advises.
     */
    @Override
    public void afterReady() {
        if (number < topology.nodes()) {
            return; // the last node sets up the roles, once every node is in the ring
        }
        boolean adminExists;
        try (CqlSession admin = probeSession(logins.admin())) {
            adminExists = true;
        } catch (RuntimeException e) {
            if (!isAuthenticationFailure(e)) {
                throw new ServerStartException(kind(), "cannot log in to set up roles: " + e.getMessage(), e);
            }
            adminExists = false;
        }
        if (!adminExists) {
            try (CqlSession superuser = probeSession(DEFAULT_SUPERUSER)) {
                // system_auth's replicas first, so the roles made below are written to every one of them.
                superuser.execute(SimpleStatement.newInstance("ALTER KEYSPACE system_auth WITH replication = " + authReplication())
                        .setTimeout(Duration.ofSeconds(60)));
                superuser.execute("CREATE ROLE IF NOT EXISTS " + CassandraLogins.ADMIN
                        + " WITH PASSWORD = " + cqlString(logins.admin().password()) + " AND SUPERUSER = true AND LOGIN = true");
                onEveryReplica(superuser, CassandraLogins.ADMIN);
            } catch (RuntimeException e) {
                throw new ServerStartException(kind(), isAuthenticationFailure(e)
                        ? refusedBoth()
                        : "cannot create " + CassandraLogins.ADMIN + ": " + e.getMessage(), e);
            }
        }
        try (CqlSession admin = probeSession(logins.admin())) {
            // One node: system_auth with replication factor 1 (already Cassandra 5.0's default; set so it is
            // stated). A cluster: 3 replicas in the data center, or a node down could lock every login out.
            admin.execute(SimpleStatement.newInstance("ALTER KEYSPACE system_auth WITH replication = " + authReplication())
                    .setTimeout(Duration.ofSeconds(60)));
            admin.execute("CREATE ROLE IF NOT EXISTS " + CassandraLogins.USER_STORE
                    + " WITH PASSWORD = " + cqlString(logins.userStore().password()) + " AND LOGIN = true");
            STORE_GRANTS.forEach(admin::execute);
            onEveryReplica(admin, CassandraLogins.USER_STORE);
            if (!adminExists) {
                for (Row keyspace : admin.execute("SELECT keyspace_name FROM system_schema.keyspaces")) {
                    String name = keyspace.getString("keyspace_name");
                    if (!name.startsWith("system")) { // system, system_auth, system_schema, system_distributed, system_traces...
                        admin.execute("GRANT ALL PERMISSIONS ON KEYSPACE \"" + name + "\" TO " + CassandraLogins.USER_STORE);
                    }
                }
            }
            admin.execute("DROP ROLE IF EXISTS " + DEFAULT_SUPERUSER.username());
        } catch (RuntimeException e) {
            throw new ServerStartException(kind(), "setting up the roles as " + CassandraLogins.ADMIN + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Makes a role's rows whole on every replica of system_auth before anyone logs in with it. Cassandra writes a role
     * to a quorum of its replicas and the others a moment later; a login in between reads its password hash at
     * LOCAL_QUORUM and read-repairs only that column onto a replica still without the row, and the next read of the
     * role from that replica finds no is_superuser/can_login ("Invalid metadata has been detected for role", seen on
     * three nodes). A read of the whole rows at ALL repairs every replica with all of them first.
     */
    private static void onEveryReplica(CqlSession session, String role) {
        for (String table : List.of("roles", "role_permissions")) {
            session.execute(SimpleStatement.newInstance("SELECT * FROM system_auth." + table + " WHERE role = ?", role)
                    .setConsistencyLevel(DefaultConsistencyLevel.ALL).setTimeout(Duration.ofSeconds(30)));
        }
    }

    /** A CQL string literal: role statements take no bind markers. */
    private static String cqlString(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private CqlSession probeSession(CassandraLogin login) {
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(3))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                // A probe needs neither the schema nor the token map, and its close need not wait out Netty's
                // quiet periods (2 s each by default): together they delayed every probe, and so the start, by seconds.
                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                .build();
        return CqlSession.builder()
                .addContactPoint(contactPoint())
                .withLocalDatacenter(LOCAL_DATACENTER)
                .withAuthCredentials(login.username(), login.password())
                .withConfigLoader(config)
                .build();
    }

    /** The driver reports a refused login as an {@link AuthenticationException}, inside an {@link AllNodesFailedException}. */
    static boolean isAuthenticationFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof AuthenticationException) {
                return true;
            }
            if (cause instanceof AllNodesFailedException failed
                    && failed.getAllErrors().values().stream().flatMap(List::stream).anyMatch(CassandraServer::isAuthenticationFailure)) {
                return true;
            }
        }
        return false;
    }

    /** This node's native transport address. */
    InetSocketAddress contactPoint() {
        return new InetSocketAddress(address(), ports.cassandra());
    }
}
