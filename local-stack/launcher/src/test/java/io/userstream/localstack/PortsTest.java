package io.userstream.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    }

    @Test
    void environmentOverridesSomePortsAndRoundTrips() {
        Ports ports = Ports.fromEnvironment(Map.of("KAFKA_PORT", "19092", "POSTGRES_PORT", " 15432 "));
        assertThat(ports.kafka()).isEqualTo(19092);
        assertThat(ports.postgres()).isEqualTo(15432);
        assertThat(ports.registry()).isEqualTo(8081);
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
        assertThat(new java.util.HashSet<>(java.util.List.of(ports.kafka(), ports.kafkaController(), ports.registry(),
                ports.cassandra(), ports.cassandraStorage(), ports.postgres()))).hasSize(6);
    }

    @Test
    void serversAreFoundByTheirDisplayNames() {
        assertThat(ServerKind.fromDisplayName("schema-registry")).isEqualTo(ServerKind.REGISTRY);
        assertThat(ServerKind.fromDisplayName("kafka")).isEqualTo(ServerKind.KAFKA);
        assertThatThrownBy(() -> ServerKind.fromDisplayName("zookeeper")).hasMessageContaining("zookeeper");
    }
}
