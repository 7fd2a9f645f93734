package io.userstream.processor.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import io.userstream.processor.ProcessorInstances;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/**
 * The broker stops: health is DOWN (HTTP 503) naming the unreachable broker, although the Streams client
 * still says RUNNING; the broker is back: UP again. Stops the shared stack's Kafka, and starts it again
 * before anything else runs.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY})
class BrokerOutageHealthIT {

    @Test
    void healthIsDownWithTheReasonWhileTheBrokerIsAwayAndUpOnceItIsBack(LocalStack stack) throws Exception {
        ProcessorInstances instances = new ProcessorInstances(stack, "outage_" + Long.toHexString(System.nanoTime()));
        try (ConfigurableApplicationContext app = instances.start("only", "--userstream.processor.health.broker-timeout=2s")) {
            KafkaStreams streams = app.getBean(StreamsBuilderFactoryBean.class).getKafkaStreams();
            String port = app.getEnvironment().getProperty("local.server.port");
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
            Health before = Health.of(port, stack.apiLogins().reader());
            assertThat(before.status()).as("%s", before).isEqualTo(200);

            stack.stop(ServerKind.KAFKA);
            Health during;
            try {
                during = Health.of(port, stack.apiLogins().reader());
            } finally {
                stack.start(ServerKind.KAFKA);
            }

            assertThat(during.status()).as("DOWN while the broker is away: %s", during).isEqualTo(503);
            assertThat(during.componentStatus("kafka")).as("%s", during).isEqualTo("DOWN");
            assertThat(during.detail("kafka", "/reason")).as("%s", during).contains("broker did not describe its cluster within PT2S");
            await().atMost(Duration.ofSeconds(120)).until(() -> Health.of(port, stack.apiLogins().reader()).status() == 200);
            Health after = Health.of(port, stack.apiLogins().reader());
            assertThat(after.componentStatus("kafka")).as("%s", after).isEqualTo("UP");
        }
    }
}
