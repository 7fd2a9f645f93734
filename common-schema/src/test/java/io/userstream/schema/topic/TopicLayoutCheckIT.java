package io.userstream.schema.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The start-up check of the topics against a real broker: creates what is missing, refuses what differs, widens nothing. */
@LocalServers(ServerKind.KAFKA)
class TopicLayoutCheckIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Map<String, Object> kafka;
    private static Admin admin;

    @BeforeAll
    static void broker(LocalStack stack) {
        kafka = stack.kafkaClientProperties();
        admin = Admin.create(kafka);
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    @Test
    void createsAMissingTopicExactlyAsConfigured() throws Exception {
        TopicSpec topic = spec(uniqueName(), 3, 1, Duration.ofDays(2));

        check(topic);

        TopicDescription description = describe(topic.name());
        assertThat(description.partitions()).hasSize(3);
        assertThat(description.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(1));
        Config config = config(topic.name());
        assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("1");
        assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo(Long.toString(Duration.ofDays(2).toMillis()));
    }

    @Test
    void anExistingTopicLaidOutAsConfiguredPasses() throws Exception {
        TopicSpec topic = spec(uniqueName(), 2, 1, Duration.ofDays(7));
        check(topic);

        check(topic);

        assertThat(describe(topic.name()).partitions()).hasSize(2);
    }

    @Test
    void fewerPartitionsThanConfiguredStopTheServiceAndAreNeverAdded() throws Exception {
        String name = uniqueName();
        create(new NewTopic(name, 2, (short) 1));

        assertThatThrownBy(() -> check(spec(name, 6, 1, Duration.ofDays(7))))
                .isInstanceOf(TopicLayoutException.class)
                .hasMessageContaining(name + " has 2 partitions, userstream.topics.partitions is 6")
                .hasMessageContaining("never changes the partition count");
        assertThat(describe(name).partitions()).as("partitions after the check").hasSize(2);
    }

    @Test
    void morePartitionsThanConfiguredStopTheServiceToo() throws Exception {
        String name = uniqueName();
        create(new NewTopic(name, 4, (short) 1));

        assertThatThrownBy(() -> check(spec(name, 3, 1, Duration.ofDays(7))))
                .isInstanceOf(TopicLayoutException.class)
                .hasMessageContaining(name + " has 4 partitions, userstream.topics.partitions is 3");
    }

    @Test
    void aDifferentMinInsyncReplicasIsReported() throws Exception {
        String name = uniqueName();
        // One broker: the replication factor can only be 1, so the check is asked for 2 in-sync replicas of 1.
        create(new NewTopic(name, 2, (short) 1));

        TopicLayoutException refused = assertThrows(TopicLayoutException.class,
                () -> check(new TopicSpec(name, 2, (short) 1, 2, Duration.ofDays(7))));

        assertThat(refused.differences()).singleElement().asString()
                .startsWith(name + " has min.insync.replicas 1, userstream.topics.min-insync-replicas is 2");
    }

    @Test
    void aDifferentReplicationFactorIsReported() throws Exception {
        String name = uniqueName();
        create(new NewTopic(name, 2, (short) 1));

        assertThatThrownBy(() -> check(new TopicSpec(name, 2, (short) 3, 1, Duration.ofDays(7))))
                .isInstanceOf(TopicLayoutException.class)
                .hasMessageContaining(name + " has replication factor 1, userstream.topics.replication-factor is 3");
    }

    @Test
    void everyDifferenceOfEveryTopicIsNamedAtOnce() throws Exception {
        String first = uniqueName();
        String second = uniqueName();
        create(new NewTopic(first, 1, (short) 1));
        create(new NewTopic(second, 5, (short) 1));

        TopicLayoutException refused = assertThrows(TopicLayoutException.class,
                () -> check(spec(first, 2, 1, Duration.ofDays(7)), spec(second, 2, 1, Duration.ofDays(7))));

        assertThat(refused.differences()).hasSize(2);
        assertThat(refused.differences().get(0)).startsWith(first + " has 1 partitions");
        assertThat(refused.differences().get(1)).startsWith(second + " has 5 partitions");
    }

    @Test
    void aDifferentRetentionIsLeftAsTheOperatorSetIt() throws Exception {
        String name = uniqueName();
        create(new NewTopic(name, 2, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000")));

        check(spec(name, 2, 1, Duration.ofDays(7)));

        assertThat(config(name).get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("3600000");
    }

    @Test
    void brokersThatDoNotAnswerStopTheServiceNamingTheTimeout() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, Object> nowhere = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort);
        TopicLayoutCheck check = new TopicLayoutCheck(nowhere, Duration.ofSeconds(2), List.of(spec(uniqueName(), 1, 1, Duration.ofDays(1))));

        assertThatThrownBy(check::afterSingletonsInstantiated)
                .isInstanceOf(TopicLayoutException.class)
                .hasMessageContaining("Could not list the topics within PT2S (userstream.topics.check-timeout)");
    }

    private static void check(TopicSpec... topics) {
        new TopicLayoutCheck(kafka, TIMEOUT, List.of(topics)).afterSingletonsInstantiated();
    }

    private static TopicSpec spec(String name, int partitions, int replicationFactor, Duration retention) {
        return new TopicSpec(name, partitions, (short) replicationFactor, 1, retention);
    }

    private static String uniqueName() {
        return "layout_" + UUID.randomUUID();
    }

    private static void create(NewTopic topic) throws Exception {
        admin.createTopics(List.of(topic)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static TopicDescription describe(String name) throws Exception {
        return admin.describeTopics(List.of(name)).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(name);
    }

    private static Config config(String name) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
        return admin.describeConfigs(List.of(resource)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(resource);
    }
}
