package io.userstream.store.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The setting read as CQL and compared with what Cassandra reports, by meaning rather than by spelling. */
class KeyspaceReplicationTest {

    @Test
    void theCqlMapIsReadWithQuotedAndBareValues() {
        KeyspaceReplication replication = KeyspaceReplication.parse("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': '2'}");

        assertThat(replication.strategy()).isEqualTo("NetworkTopologyStrategy");
        assertThat(replication.options()).isEqualTo(Map.of("dc1", "3", "dc2", "2"));
        assertThat(replication).hasToString("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 2}");
    }

    @Test
    void cassandrasFullClassNameIsTheSameStrategy() {
        KeyspaceReplication configured = KeyspaceReplication.parse("{'class': 'SimpleStrategy', 'replication_factor': 1}");
        KeyspaceReplication existing = KeyspaceReplication.parse(
                "{'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '1'}");

        assertThat(configured.isSatisfiedBy(existing)).isTrue();
    }

    @Test
    void anotherCountOrStrategyOrDataCentreDiffers() {
        KeyspaceReplication configured = KeyspaceReplication.parse("{'class': 'NetworkTopologyStrategy', 'dc1': 3}");

        assertThat(configured.isSatisfiedBy(KeyspaceReplication.parse("{'class': 'NetworkTopologyStrategy', 'dc1': 1}"))).isFalse();
        assertThat(configured.isSatisfiedBy(KeyspaceReplication.parse("{'class': 'NetworkTopologyStrategy', 'dc2': 3}"))).isFalse();
        assertThat(configured.isSatisfiedBy(KeyspaceReplication.parse("{'class': 'SimpleStrategy', 'replication_factor': 3}"))).isFalse();
        assertThat(configured.isSatisfiedBy(KeyspaceReplication.parse("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3}"))).isFalse();
    }

    @Test
    void aReplicationFactorForEveryDataCentreMatchesEachDataCentresEntry() {
        KeyspaceReplication configured = KeyspaceReplication.parse("{'class': 'NetworkTopologyStrategy', 'replication_factor': 3}");

        assertThat(configured.isSatisfiedBy(KeyspaceReplication.parse("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 3}"))).isTrue();
        assertThat(configured.isSatisfiedBy(KeyspaceReplication.parse("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 1}"))).isFalse();
    }

    @Test
    void aMapWithoutAClassIsRefused() {
        assertThatThrownBy(() -> KeyspaceReplication.parse("{'replication_factor': 1}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'class'");
    }
}
