package io.userstream.console;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import io.userstream.schema.topic.TopicLayout;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The pipeline's web console. Features, each a package: {@code servers} (is everything answering),
 * {@code topics} (offsets, rates, lag), {@code browse} (records decoded through the registry),
 * {@code runs} (each ingestion run as a funnel), {@code deadletters} (why records were refused),
 * {@code redrive} (sending dead letters back, audited), {@code schemas}, {@code users}, and
 * {@code live} (all of it as server-sent events). It writes nothing but re-driven records and their audit.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableConfigurationProperties(TopicLayout.class)
@EnableScheduling
public class ConsoleApplication {

    public static void main(String[] args) {
        SpringApplication.run(ConsoleApplication.class, args);
    }
}
