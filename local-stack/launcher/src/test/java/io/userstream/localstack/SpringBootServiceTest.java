package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a service is run: its jar, its port and the stack's addresses on the command line. */
class SpringBootServiceTest {

    @TempDir
    Path repositoryRoot;

    @Test
    void theCommandRunsTheUnpackedJarOnLoopbackWithThePortAndTheServersAddresses() throws Exception {
        Path jar = packaged("stream-processor");
        Path home = repositoryRoot.resolve("state/stream-processor");
        SpringBootService processor = new SpringBootService(ServerId.first(ServerKind.PROCESSOR), home, 18084, new Distributions(repositoryRoot),
                Map.of("spring.kafka.bootstrap-servers", "127.0.0.1:19092"), Map.of("USERSTREAM_SECURITY_USERS_READER_PASSWORD", "s3cret"));

        assertThat(processor.command())
                .containsSubsequence("-jar", home.resolve("app").resolve(jar.getFileName()).toString())
                .contains("-XX:ArchiveClassesAtExit=" + home.resolve("app/stream-processor.jsa"),"--server.address=127.0.0.1", "--server.port=18084",
                        "--spring.kafka.bootstrap-servers=127.0.0.1:19092",
                        "--spring.kafka.streams.state-dir=" + home.resolve("state"));
        // Secrets go to the environment, which only the owner can read; never to the command line, which anyone can.
        assertThat(processor.command()).noneMatch(arg -> arg.contains("s3cret"));
        assertThat(processor.environment()).containsEntry("USERSTREAM_SECURITY_USERS_READER_PASSWORD", "s3cret");
        assertThat(processor.clientPort()).isEqualTo(18084);
        assertThat(processor.baseUrl()).isEqualTo("http://127.0.0.1:18084");
        assertThat(processor.logFile()).isEqualTo(home.resolve("stream-processor.log"));

        // Once a run wrote the class-data-sharing archive, later runs use it.
        Files.createDirectories(home.resolve("app"));
        Files.createFile(home.resolve("app/stream-processor.jsa"));
        assertThat(processor.command()).contains("-XX:SharedArchiveFile=" + home.resolve("app/stream-processor.jsa"))
                .noneMatch(arg -> arg.startsWith("-XX:ArchiveClassesAtExit"));
    }

    @Test
    void eachServiceRequiresTheServersItTalksTo() {
        assertThat(SpringBootService.requirementsOf(ServerKind.INGEST))
                .containsExactlyInAnyOrder(ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES);
        assertThat(SpringBootService.requirementsOf(ServerKind.PROCESSOR))
                .containsExactlyInAnyOrder(ServerKind.KAFKA, ServerKind.REGISTRY);
        assertThat(SpringBootService.requirementsOf(ServerKind.STORE))
                .containsExactlyInAnyOrder(ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.CASSANDRA);
        assertThat(SpringBootService.requirementsOf(ServerKind.CONSOLE))
                .containsExactlyInAnyOrder(ServerKind.KAFKA, ServerKind.REGISTRY);
        assertThatThrownBy(() -> SpringBootService.requirementsOf(ServerKind.AIRFLOW)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingJarIsRefusedNamingTheCommandThatBuildsIt() {
        SpringBootService ingest = new SpringBootService(ServerId.first(ServerKind.INGEST), repositoryRoot.resolve("state/ingest-service"), 18082,
                new Distributions(repositoryRoot), Map.of(), Map.of());

        assertThatThrownBy(ingest::requireInstalled)
                .isInstanceOf(DistributionMissingException.class)
                .hasMessageContaining("ingest-service jar is missing at " + repositoryRoot.resolve("ingest-service/target"))
                .hasMessageContaining("./mvnw -q -pl ingest-service -am package -DskipTests");
    }

    @Test
    void theBootJarIsChosenNotItsOriginalNorASourcesJar() throws Exception {
        Path jar = packaged("user-store-service");
        Files.createFile(jar.resolveSibling("user-store-service-0.1.0-SNAPSHOT.jar.original"));
        Files.createFile(jar.resolveSibling("user-store-service-0.1.0-SNAPSHOT-sources.jar"));

        assertThat(new Distributions(repositoryRoot).serviceJar(ServerKind.STORE)).isEqualTo(jar);
        Path console = packaged("console");
        Files.createFile(console.resolveSibling("console-0.1.0-SNAPSHOT.jar.original"));
        assertThat(new Distributions(repositoryRoot).serviceJar(ServerKind.CONSOLE)).isEqualTo(console);
        assertThatThrownBy(() -> new Distributions(repositoryRoot).serviceJar(ServerKind.KAFKA))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theConsoleIsGivenTheOtherServicesAndAirflowAtTheStacksPortsTheOthersNothing() {
        Ports ports = new Ports(19092, 19093, 18081, 19042, 17000, 15432, 18080, 18793, 18082, 18083, 18084, 18085);

        assertThat(SpringBootService.httpEndpointsOf(ServerKind.CONSOLE, ports)).containsExactly(
                Map.entry("userstream.console.ingest-url", "http://127.0.0.1:18082"),
                Map.entry("userstream.console.store-url", "http://127.0.0.1:18083"),
                Map.entry("userstream.console.processor-url", "http://127.0.0.1:18084"),
                Map.entry("userstream.console.airflow-url", "http://127.0.0.1:18080"));
        for (ServerKind other : List.of(ServerKind.INGEST, ServerKind.PROCESSOR, ServerKind.STORE)) {
            assertThat(SpringBootService.httpEndpointsOf(other, ports)).as(other.displayName()).isEmpty();
        }
    }

    @Test
    void aMissingConsoleJarNamesTheCommandThatBuildsIt() {
        assertThatThrownBy(() -> new Distributions(repositoryRoot).serviceJar(ServerKind.CONSOLE))
                .isInstanceOf(DistributionMissingException.class)
                .hasMessageContaining("console jar is missing at " + repositoryRoot.resolve("console/target"))
                .hasMessageContaining("./mvnw -q -pl console -am package -DskipTests");
    }

    private Path packaged(String module) throws Exception {
        Path target = Files.createDirectories(repositoryRoot.resolve(module).resolve("target"));
        return Files.createFile(target.resolve(module + "-0.1.0-SNAPSHOT.jar"));
    }
}
