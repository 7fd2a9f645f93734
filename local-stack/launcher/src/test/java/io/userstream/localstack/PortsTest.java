package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void defaultsAreTheDockerComposeHostPorts() {
        Ports ports = Ports.defaults();
        assertThat(ports.clientPort(ServerKind.KAFKA)).isEqualTo(9092);
        assertThat(ports.clientPort(ServerKind.REGISTRY)).isEqualTo(8081);
        assertThat(ports.clientPort(ServerKind.CASSANDRA)).isEqualTo(9042);
        assertThat(ports.clientPort(ServerKind.POSTGRES)).isEqualTo(5432);
        assertThat(ports.clientPort(ServerKind.AIRFLOW)).isEqualTo(8080);
        assertThat(ports.clientPort(ServerKind.INGEST)).isEqualTo(8082);
        assertThat(ports.clientPort(ServerKind.STORE)).isEqualTo(8083);
        assertThat(ports.clientPort(ServerKind.PROCESSOR)).isEqualTo(8084);
        assertThat(ports.clientPort(ServerKind.CONSOLE)).isEqualTo(8085);
    }

    @Test
    void everyKindHasItsClientPortFirstAmongThePortsItBinds() {
        Ports ports = Ports.ephemeral();
        for (ServerKind kind : ServerKind.values()) {
            assertThat(ports.boundBy(kind)[0]).as(kind.displayName()).isEqualTo(ports.clientPort(kind));
        }
    }

    @Test
    void environmentOverridesSomePortsAndRoundTrips() {
        Ports ports = Ports.fromEnvironment(Map.of("KAFKA_PORT", "19092", "POSTGRES_PORT", " 15432 ",
                "INGEST_PORT", "19082", "USER_STORE_PORT", "19083", "STREAM_PROCESSOR_PORT", "19084", "CONSOLE_PORT", "19085"));
        assertThat(ports.kafka()).isEqualTo(19092);
        assertThat(ports.postgres()).isEqualTo(15432);
        assertThat(ports.registry()).isEqualTo(8081);
        assertThat(ports.ingest()).isEqualTo(19082);
        assertThat(ports.store()).isEqualTo(19083);
        assertThat(ports.processor()).isEqualTo(19084);
        assertThat(ports.console()).isEqualTo(19085);
        assertThat(ports.boundBy(ServerKind.CONSOLE)).containsExactly(19085);
        assertThat(Ports.fromEnvironment(ports.asEnvironment())).isEqualTo(ports);
    }

    @Test
    void aPortThatIsNotANumberIsNamed() {
        assertThatThrownBy(() -> Ports.fromEnvironment(Map.of("CASSANDRA_PORT", "ninety")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CASSANDRA_PORT")
                .hasMessageContaining("ninety");
    }

    @Test
    void ephemeralPortsAreDistinct() {
        Ports ports = Ports.ephemeral();
        assertThat(new java.util.HashSet<>(ports.asEnvironment().values())).hasSize(12);
    }

    @Test
    void serversAreFoundByTheirDisplayNames() {
        assertThat(ServerKind.fromDisplayName("schema-registry")).isEqualTo(ServerKind.REGISTRY);
        assertThat(ServerKind.fromDisplayName("kafka")).isEqualTo(ServerKind.KAFKA);
        assertThat(ServerKind.fromDisplayName("user-store-service")).isEqualTo(ServerKind.STORE);
        assertThat(ServerKind.fromDisplayName("ingest")).isEqualTo(ServerKind.INGEST);
        assertThat(ServerKind.fromDisplayName("console")).isEqualTo(ServerKind.CONSOLE);
        assertThatThrownBy(() -> ServerKind.fromDisplayName("zookeeper")).hasMessageContaining("zookeeper")
                .hasMessageContaining("stream-processor");
    }

    /** ports.properties written by an 'up' before the console existed: the console gets its default port. */
    @Test
    void aRecordWithoutTheConsolesPortGivesItTheDefault() {
        Map<String, String> recorded = new HashMap<>(Ports.ephemeral().asEnvironment());
        recorded.remove("CONSOLE_PORT");
        assertThat(Ports.fromEnvironment(recorded).console()).isEqualTo(8085);
    }

    @Test
    void theConsoleIsOneOfOurServicesStartedAfterWhatItNeeds() {
        assertThat(ServerKind.CONSOLE.isService()).isTrue();
        assertThat(ServerKind.services()).contains(ServerKind.CONSOLE);
        assertThat(ServerKind.CONSOLE).isGreaterThan(ServerKind.STORE);
    }
}
