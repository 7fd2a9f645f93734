package io.userstream.processor.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.userstream.processor.ProcessorProperties;
import io.userstream.processor.topology.UserProcessingTopology;
import io.userstream.schema.UserProcessed;
import io.userstream.schema.topic.TopicLayout;
import io.userstream.schema.topic.TopicLayoutCheck;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.KStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.core.KafkaAdmin;

/** Wires the topology into Spring Kafka's Streams support: topics, threads, shutdown. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(TopicLayout.class)
class StreamsRuntimeConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StreamsRuntimeConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    UserProcessingTopology userProcessingTopology(ProcessorProperties properties, TopicLayout topics, KafkaProperties kafka, Clock clock) {
        return new UserProcessingTopology(properties, topics, Map.copyOf(kafka.getProperties()), clock, kafka.getStreams().getApplicationId());
    }

    @Bean
    KStream<String, UserProcessed> processedUsers(StreamsBuilder builder, UserProcessingTopology topology) {
        return topology.addTo(builder);
    }

    /**
     * The four topics as userstream.topics lays them out: created when missing, checked before the Streams client
     * starts (a singleton's initialization, before any lifecycle bean). Equal partition counts co-partition the keys.
     */
    @Bean
    TopicLayoutCheck topicLayoutCheck(KafkaAdmin admin, TopicLayout topics) {
        return new TopicLayoutCheck(admin.getConfigurationProperties(), topics.checkTimeout(), List.of(topics.usersCreatedTopic(),
                topics.usersProcessedTopic(), topics.userStatsTopic(), topics.deadLetterTopic()));
    }

    @Bean
    StreamThreadReplacements streamThreadReplacements(ProcessorProperties properties, Clock clock) {
        return new StreamThreadReplacements(clock, properties.health().threadReplacementWindow());
    }

    /**
     * A stream thread that dies from an unexpected exception is replaced (its tasks, with exactly_once_v2,
     * restart from the last commit, so nothing is lost or doubled); each replacement is counted, in the
     * metric and for the health check, which turns DOWN when threads keep dying.
     */
    @Bean
    StreamsBuilderFactoryBeanConfigurer streamsRuntime(ProcessorProperties properties, TopicLayout topics, MeterRegistry meters,
                                                       StreamThreadReplacements replacements) {
        Counter replaced = Counter.builder("userstream.processor.stream.threads.replaced")
                .description("Stream threads replaced after an uncaught exception")
                .register(meters);
        return factoryBean -> {
            factoryBean.setStreamsUncaughtExceptionHandler(exception -> {
                replaced.increment();
                replacements.record(exception);
                log.error("Stream thread died; replacing it", exception);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            factoryBean.setCloseTimeout((int) properties.closeTimeout().toSeconds());
            factoryBean.setStreamsConfiguration(withTopicLayout(
                    withOutageBudget(factoryBean.getStreamsConfiguration(), properties.outageBudget()), topics));
        };
    }

    /** The producer waits out a broker outage this long instead of failing a send inside a transaction. */
    static Properties withOutageBudget(Properties streamsConfiguration, Duration outageBudget) {
        Properties config = new Properties();
        if (streamsConfiguration != null) {
            config.putAll(streamsConfiguration);
        }
        String millis = Long.toString(outageBudget.toMillis());
        config.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), millis);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG), millis);
        return config;
    }

    /**
     * Kafka Streams' own topics (changelogs, repartitioning) replicated like ours, and its dead letters (records it
     * cannot deserialize) sent to our dead-letter topic: userstream.topics is the one place these are set.
     */
    static Properties withTopicLayout(Properties streamsConfiguration, TopicLayout topics) {
        Properties config = new Properties();
        config.putAll(streamsConfiguration);
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Integer.toString(topics.replicationFactor()));
        config.put(StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG), Integer.toString(topics.minInsyncReplicas()));
        config.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetter());
        return config;
    }
}
