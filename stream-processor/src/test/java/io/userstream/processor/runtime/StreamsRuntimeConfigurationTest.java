package io.userstream.processor.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.userstream.processor.ProcessorProperties;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;

/** The uncaught-exception policy: replace the thread, count it. */
class StreamsRuntimeConfigurationTest {

    @Test
    void deadStreamThreadIsReplacedAndCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ProcessorProperties properties = new ProcessorProperties(
                new ProcessorProperties.Topics("a", "b", "c", "d", 6, 1),
                Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(7));
        StreamsBuilderFactoryBean factoryBean = new StreamsBuilderFactoryBean();

        new StreamsRuntimeConfiguration().streamsRuntime(properties, meters).configure(factoryBean);
        StreamThreadExceptionResponse first = factoryBean.getStreamsUncaughtExceptionHandler().handle(new IllegalStateException("boom"));
        factoryBean.getStreamsUncaughtExceptionHandler().handle(new IllegalStateException("boom again"));

        assertThat(first).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(meters.counter("userstream.processor.stream.threads.replaced").count()).isEqualTo(2.0);
    }
}
