package io.userstream.processor.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.processor.ProcessorInstances;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.TopicBuilder;

/**
 * A record every stream thread dies on: each dead thread is replaced, the replacement dies on the same
 * record, and the client keeps saying RUNNING or REBALANCING. Health must say DOWN once more threads than
 * allowed were replaced within the window, with the error.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY})
class StreamThreadDeathsHealthIT {

    @Test
    void healthIsDownWithTheLastErrorWhenStreamThreadsKeepDying(LocalStack stack) throws Exception {
        ProcessorInstances instances = new ProcessorInstances(stack, "deaths_" + Long.toHexString(System.nanoTime()));
        // Named as an input (users_created_*): the processor's Kafka principal may read only those.
        String poisonTopic = instances.topic("users_created_poison");
        try (ConfigurableApplicationContext app = instances.start("only", List.of(PoisonTopology.class),
                "--test.poison-topic=" + poisonTopic,
                // Stream threads do not leave the group when they die: the replacement gets the task once the dead
                // member's session expires, after 6 s instead of 45 s.
                "--spring.kafka.streams.properties.session.timeout.ms=6000",
                "--userstream.processor.health.max-thread-replacements=2",
                "--userstream.processor.health.thread-replacement-window=1h");
             KafkaProducer<String, byte[]> producer = instances.producer()) {
            KafkaStreams streams = app.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
            String port = app.getEnvironment().getProperty("local.server.port");
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            assertThat(Health.of(port, stack.apiLogins().reader()).componentStatus("kafkaStreams")).isEqualTo("UP");

            producer.send(new ProducerRecord<>(poisonTopic, "poison", "every thread dies on this".getBytes())).get();

            Health down = await().atMost(Duration.ofSeconds(180)).dontCatchUncaughtExceptions() // the deaths are the point
                    .until(() -> Health.of(port, stack.apiLogins().reader()), health -> health.componentStatus("kafkaStreams").equals("DOWN"));
            assertThat(down.status()).as("%s", down).isEqualTo(503);
            assertThat(down.detail("kafkaStreams", "/reason")).as("%s", down)
                    .matches("stream threads keep dying: \\d+ replaced within PT1H \\(more than 2\\)");
            assertThat(down.detail("kafkaStreams", "/lastThreadError/rootCause")).as("%s", down)
                    .isEqualTo("java.lang.IllegalStateException: poisoned: every thread dies on this");
            assertThat(streams.state()).as("the client itself does not notice")
                    .isIn(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING);
        }
    }

    /** A further sub-topology whose processor throws on every record (a bean source, deliberately not a scanned @Configuration). */
    static class PoisonTopology {

        @Bean
        NewTopic poisonTopic(Environment environment) {
            return TopicBuilder.name(environment.getRequiredProperty("test.poison-topic")).partitions(1).replicas(1).build();
        }

        @Bean
        KStream<String, String> poisoned(StreamsBuilder builder, Environment environment) {
            KStream<String, String> poisoned = builder.stream(environment.getRequiredProperty("test.poison-topic"),
                    Consumed.with(Serdes.String(), Serdes.String()));
            poisoned.foreach((key, value) -> {
                throw new IllegalStateException("poisoned: " + value);
            });
            return poisoned;
        }
    }
}
