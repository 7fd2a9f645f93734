package io.userstream.processor.runtime;

import static io.userstream.processor.ProcessorInstances.keyCounts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.processor.ProcessorInstances;
import io.userstream.processor.Users;
import io.userstream.schema.UserCreated;
import io.userstream.schema.serde.AvroSerializer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * Two instances with the same application id share the partitions; every user is still emitted exactly once, also
 * after one of them is lost.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY})
class ScaleOutIT {

    @Test
    void twoInstancesShareThePartitionsAndEmitEachUserExactlyOnce(LocalStack stack) throws Exception {
        ProcessorInstances instances = new ProcessorInstances(stack, "scale_" + Long.toHexString(System.nanoTime()));
        AvroSerializer<UserCreated> serializer = instances.userCreatedSerializer();
        Set<String> users = new HashSet<>();

        try (ConfigurableApplicationContext first = instances.start("first");
             ConfigurableApplicationContext second = instances.start("second");
             KafkaProducer<String, byte[]> producer = instances.producer()) {
            KafkaStreams firstStreams = first.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
            KafkaStreams secondStreams = second.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    firstStreams.state() == KafkaStreams.State.RUNNING && secondStreams.state() == KafkaStreams.State.RUNNING
                            && activeTasks(firstStreams) > 0 && activeTasks(secondStreams) > 0);

            for (int i = 0; i < 3_000; i++) {
                UUID id = UUID.randomUUID();
                byte[] user = serializer.serialize(instances.topic("users_created"), Users.finnish(id).build());
                instances.send(producer, id.toString(), user);
                if (i % 5 == 0) {
                    instances.send(producer, id.toString(), user); // re-sent
                }
                users.add(id.toString());
            }
            producer.flush();
            instances.assertAllSent();

            List<ConsumerRecord<String, byte[]>> processed = instances.readCommitted(
                    instances.topic("users_processed"), users.size(), Duration.ofSeconds(120));
            Map<String, Integer> counts = keyCounts(processed);
            assertThat(counts.keySet()).isEqualTo(users);
            assertThat(counts.values()).as("each user emitted exactly once").allMatch(count -> count == 1);
            assertThat(activeTasks(firstStreams) + activeTasks(secondStreams))
                    .as("both instances keep their share of the tasks").isGreaterThanOrEqualTo(12);
            assertThat(activeTasks(firstStreams)).isPositive();
            assertThat(activeTasks(secondStreams)).isPositive();
        }
    }

    /**
     * With num.standby.replicas=1 each instance keeps a copy of the other's state (the de-duplication window, the
     * counts). When one instance is lost the other takes over every task with that state: a user seen before the loss
     * and sent again after it is not emitted again.
     */
    @Test
    void aStandbyReplicaKeepsTheStateWhenAnInstanceIsLost(LocalStack stack) throws Exception {
        ProcessorInstances instances = new ProcessorInstances(stack, "standby_" + Long.toHexString(System.nanoTime()));
        AvroSerializer<UserCreated> serializer = instances.userCreatedSerializer();
        String standby = "--spring.kafka.streams.properties.num.standby.replicas=1";
        Map<String, byte[]> before = new java.util.LinkedHashMap<>();
        Set<String> after = new HashSet<>();

        try (ConfigurableApplicationContext survivor = instances.start("survivor", standby);
             KafkaProducer<String, byte[]> producer = instances.producer()) {
            KafkaStreams survivorStreams = survivor.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
            try (ConfigurableApplicationContext lost = instances.start("lost", standby)) {
                KafkaStreams lostStreams = lost.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
                await().atMost(Duration.ofSeconds(90)).until(() ->
                        survivorStreams.state() == KafkaStreams.State.RUNNING && lostStreams.state() == KafkaStreams.State.RUNNING
                                && activeTasks(survivorStreams) > 0 && activeTasks(lostStreams) > 0
                                && standbyTasks(survivorStreams) > 0 && standbyTasks(lostStreams) > 0);
                for (int i = 0; i < 1_000; i++) {
                    UUID id = UUID.randomUUID();
                    byte[] user = serializer.serialize(instances.topic("users_created"), Users.finnish(id).build());
                    instances.send(producer, id.toString(), user);
                    before.put(id.toString(), user);
                }
                producer.flush();
                instances.assertAllSent();
                assertThat(keyCounts(instances.readCommitted(instances.topic("users_processed"), before.size(), Duration.ofSeconds(120))).keySet())
                        .isEqualTo(before.keySet());
            }
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    survivorStreams.state() == KafkaStreams.State.RUNNING && standbyTasks(survivorStreams) == 0
                            && activeTasks(survivorStreams) >= 12);

            before.forEach((id, user) -> instances.send(producer, id, user)); // seen before the loss: not again
            for (int i = 0; i < 500; i++) {
                UUID id = UUID.randomUUID();
                instances.send(producer, id.toString(), serializer.serialize(instances.topic("users_created"), Users.finnish(id).build()));
                after.add(id.toString());
            }
            producer.flush();
            instances.assertAllSent();

            Map<String, Integer> counts = keyCounts(instances.readCommitted(
                    instances.topic("users_processed"), before.size() + after.size(), Duration.ofSeconds(120)));
            Set<String> everyone = new HashSet<>(before.keySet());
            everyone.addAll(after);
            assertThat(counts.keySet()).isEqualTo(everyone);
            assertThat(counts.values()).as("each user emitted exactly once, across the loss").allMatch(count -> count == 1);
        }
    }

    private static int standbyTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(thread -> thread.standbyTasks().size()).sum();
    }

    private static int activeTasks(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().mapToInt(thread -> thread.activeTasks().size()).sum();
    }
}
