package io.userstream.localstack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A single Cassandra 5.0 node in its own JVM (it does not belong in a test JVM: SecurityManager, netty 4.1). */
record CassandraServer(Path home, Ports ports, Distributions distributions) implements LocalServer {

    static final String LOCAL_DATACENTER = "datacenter1";

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
    public void requireInstalled() {
        distributions.cassandraClasspath();
    }

    @Override
    public void prepare() throws IOException {
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
                initial_token: 0
                partitioner: org.apache.cassandra.dht.Murmur3Partitioner
                endpoint_snitch: SimpleSnitch
                seed_provider:
                  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
                    parameters:
                      - seeds: "127.0.0.1:%2$d"
                listen_address: 127.0.0.1
                rpc_address: 127.0.0.1
                storage_port: %2$d
                native_transport_port: %1$d
                start_native_transport: true
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
                """.formatted(ports.cassandra(), ports.cassandraStorage()));
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
        command.addAll(JAVA17_FLAGS);
        command.addAll(List.of(
                "-cp", distributions.cassandraClasspath().resolve("*").toString(),
                "org.apache.cassandra.service.CassandraDaemon"));
        return command;
    }

    @Override
    public boolean answers() {
        DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(3))
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(3))
                .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, false)
                // A probe needs neither the schema nor the token map, and its close need not wait out Netty's
                // quiet periods (2 s each by default): together they delayed every probe, and so the start, by seconds.
                .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
                .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
                .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
                .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
                .build();
        try (CqlSession session = CqlSession.builder()
                .addContactPoint(contactPoint())
                .withLocalDatacenter(LOCAL_DATACENTER)
                .withConfigLoader(config)
                .build()) {
            return session.execute("SELECT release_version FROM system.local").one() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    InetSocketAddress contactPoint() {
        return new InetSocketAddress("127.0.0.1", ports.cassandra());
    }
}
