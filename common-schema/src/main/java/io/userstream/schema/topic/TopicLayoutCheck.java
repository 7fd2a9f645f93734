package io.userstream.schema.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * At start-up, before any consumer, producer or stream thread runs: creates the topics a service uses that are
 * missing, exactly as {@link TopicSpec} says, and compares the others with it. Partitions, replication factor
 * and min.insync.replicas that differ stop the service with a {@link TopicLayoutException} naming each
 * difference: they are never "fixed" here. Adding partitions to a keyed topic would move users to other
 * partitions (breaking de-duplication and per-user order), and replication is changed by reassigning partitions,
 * an operator's decision. A different retention is only logged: it is a policy an operator may have changed.
 */
public final class TopicLayoutCheck implements SmartInitializingSingleton {

    private static final Logger log = LoggerFactory.getLogger(TopicLayoutCheck.class);

    private final Map<String, Object> adminConfig;
    private final Duration timeout;
    private final List<TopicSpec> topics;

    /**
     * @param adminConfig how to reach the brokers (e.g. Spring's {@code KafkaAdmin} configuration)
     * @param timeout     how long each step waits for the brokers before the service gives up starting
     * @param topics      the topics this service reads or writes
     */
    public TopicLayoutCheck(Map<String, Object> adminConfig, Duration timeout, List<TopicSpec> topics) {
        this.adminConfig = Map.copyOf(adminConfig);
        this.timeout = timeout;
        this.topics = List.copyOf(topics);
    }

    @Override
    public void afterSingletonsInstantiated() {
        try (Admin admin = Admin.create(adminConfig)) {
            check(admin);
        }
    }

    /** Creates the missing topics, compares the others, and throws when one of them is laid out differently. */
    public void check(Admin admin) {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        topics.forEach(topic -> byName.put(topic.name(), topic));
        Set<String> existing = new TreeSet<>(await(admin.listTopics().names(), "list the topics"));
        List<String> created = new ArrayList<>();
        for (TopicSpec topic : byName.values()) {
            if (!existing.contains(topic.name()) && create(admin, topic)) {
                created.add(topic.name());
            }
        }
        List<String> toCompare = byName.keySet().stream().filter(name -> !created.contains(name)).toList();
        List<String> differences = toCompare.isEmpty() ? List.of() : compare(admin, byName, toCompare);
        if (!differences.isEmpty()) {
            throw new TopicLayoutException(differences);
        }
        log.info("Topics as configured (userstream.topics): {}{}", byName.values().stream()
                        .map(t -> t.name() + " (" + t.partitions() + " partitions, replication factor " + t.replicationFactor()
                                + ", min.insync.replicas " + t.minInsyncReplicas() + ")")
                        .collect(Collectors.joining(", ")),
                created.isEmpty() ? "" : "; created " + String.join(", ", created));
    }

    /** False when another instance created it meanwhile: then it is compared like any existing topic. */
    private boolean create(Admin admin, TopicSpec topic) {
        try {
            admin.createTopics(List.of(topic.newTopic())).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw unreachable("create topic " + topic.name(), e.getCause());
        } catch (TimeoutException e) {
            throw unreachable("create topic " + topic.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("create topic " + topic.name(), e);
        }
    }

    private List<String> compare(Admin admin, Map<String, TopicSpec> byName, Collection<String> names) {
        Map<String, TopicDescription> descriptions = await(admin.describeTopics(names).allTopicNames(), "describe the topics");
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(names.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList()).all(), "read the topics' configurations");
        List<String> differences = new ArrayList<>();
        for (String name : names) {
            TopicSpec wanted = byName.get(name);
            TopicDescription found = descriptions.get(name);
            int partitions = found.partitions().size();
            if (partitions != wanted.partitions()) {
                differences.add(name + " has " + partitions + " partitions, userstream.topics.partitions is " + wanted.partitions()
                        + ": Userstream never changes the partition count of an existing topic, as users would move to other"
                        + " partitions (breaking de-duplication and per-user order). Set userstream.topics.partitions="
                        + partitions + " in every service, or move the data to a new topic (docs/operations.md)");
            }
            Set<Integer> replicas = found.partitions().stream().map(p -> p.replicas().size()).collect(Collectors.toCollection(TreeSet::new));
            if (!replicas.equals(Set.of((int) wanted.replicationFactor()))) {
                differences.add(name + " has replication factor " + replicas.stream().map(String::valueOf).collect(Collectors.joining("/"))
                        + ", userstream.topics.replication-factor is " + wanted.replicationFactor()
                        + ": reassign its partitions (kafka-reassign-partitions, docs/operations.md) or set the property to match");
            }
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            String minInsync = value(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
            if (!Integer.toString(wanted.minInsyncReplicas()).equals(minInsync)) {
                differences.add(name + " has min.insync.replicas " + minInsync + ", userstream.topics.min-insync-replicas is "
                        + wanted.minInsyncReplicas() + ": set it with kafka-configs --alter (docs/operations.md) or set the property to match");
            }
            String retention = value(config, TopicConfig.RETENTION_MS_CONFIG);
            if (!Long.toString(wanted.retention().toMillis()).equals(retention)) {
                log.warn("Topic {} keeps records for retention.ms={}, userstream.topics.retention says {} ({} ms): left as it is",
                        name, retention, wanted.retention(), wanted.retention().toMillis());
            }
        }
        return differences;
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null ? null : entry.value();
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unreachable(what, e.getCause());
        } catch (TimeoutException e) {
            throw unreachable(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(what, e);
        }
    }

    private TopicLayoutException unreachable(String what, Throwable cause) {
        return new TopicLayoutException("Could not " + what + " within " + timeout + " (userstream.topics.check-timeout): " + cause, cause);
    }
}
