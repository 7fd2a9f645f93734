package io.userstream.schema.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.validation.beanvalidation.LocalValidatorFactoryBean;

/** userstream.topics as every service binds it: the defaults, the overrides and what is refused at start-up. */
class TopicLayoutTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(TopicLayout.class)
    static class Binding {
    }

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Binding.class)
            .withBean("configurationPropertiesValidator", LocalValidatorFactoryBean.class);

    @Test
    void defaultsAreOneBrokersLayout() {
        context.run(started -> {
            TopicLayout layout = started.getBean(TopicLayout.class);
            assertThat(layout.usersCreatedTopic()).isEqualTo(new TopicSpec("users_created", 6, (short) 1, 1, Duration.ofDays(7)));
            assertThat(layout.usersProcessedTopic()).isEqualTo(new TopicSpec("users_processed", 6, (short) 1, 1, Duration.ofDays(7)));
            assertThat(layout.userStatsTopic()).isEqualTo(new TopicSpec("user_stats", 6, (short) 1, 1, Duration.ofDays(7)));
            assertThat(layout.deadLetterTopic()).isEqualTo(new TopicSpec("users_dlq", 6, (short) 1, 1, Duration.ofDays(14)));
            assertThat(layout.checkTimeout()).isEqualTo(Duration.ofSeconds(30));
            assertThat(TopicLayout.defaults()).isEqualTo(layout);
        });
    }

    @Test
    void oneSettingChangesEveryTopic() {
        context.withPropertyValues("userstream.topics.partitions=12", "userstream.topics.replication-factor=3",
                        "userstream.topics.min-insync-replicas=2", "userstream.topics.user-stats=stats_v2",
                        "userstream.topics.retention.dead-letter=30d")
                .run(started -> {
                    TopicLayout layout = started.getBean(TopicLayout.class);
                    assertThat(layout.usersCreatedTopic()).isEqualTo(new TopicSpec("users_created", 12, (short) 3, 2, Duration.ofDays(7)));
                    assertThat(layout.userStatsTopic()).isEqualTo(new TopicSpec("stats_v2", 12, (short) 3, 2, Duration.ofDays(7)));
                    assertThat(layout.deadLetterTopic().retention()).isEqualTo(Duration.ofDays(30));
                });
    }

    @Test
    void moreInSyncReplicasThanReplicasAreRefused() {
        context.withPropertyValues("userstream.topics.replication-factor=2", "userstream.topics.min-insync-replicas=3")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("min-insync-replicas must not exceed replication-factor"));
    }

    @Test
    void noPartitionsAreRefused() {
        context.withPropertyValues("userstream.topics.partitions=0")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("userstream.topics.partitions").hasMessageContaining("must be greater than or equal to 1"));
    }

    @Test
    void aRetentionShorterThanAnHourIsRefused() {
        context.withPropertyValues("userstream.topics.retention.users-created=10m")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("userstream.topics.retention.users-created").hasMessageContaining("1 hour"));
    }
}
