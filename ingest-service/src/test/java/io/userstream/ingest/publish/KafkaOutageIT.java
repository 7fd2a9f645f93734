package io.userstream.ingest.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.userstream.ingest.ApiClients;
import io.userstream.ingest.TopicContents;
import io.userstream.ingest.api.RunView;
import io.userstream.ingest.fetch.FakerUserSource;
import io.userstream.localstack.LocalStack;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Kafka stays away longer than the outage budget: the run fails naming the budget and its setting
 * (never "finished"), health says DOWN; Kafka back: resume completes it. A shorter outage is ridden
 * out: {@link KafkaShortOutageIT}.
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "userstream.topics.users-created=users_created_outage_it",
        "spring.flyway.schemas=ingest_outage_it",
        "spring.flyway.default-schema=ingest_outage_it",
        "spring.datasource.hikari.schema=ingest_outage_it",
        "ingest.publish.outage-budget=4s",
        "spring.kafka.producer.properties.linger.ms=5",
        "ingest.publish.health-timeout=1s"})
@AutoConfigureWebTestClient(timeout = "60s") // the shared 2-core machine can be slow
class KafkaOutageIT {

    @Autowired
    WebTestClient web;

    /** The stack's API logins, as the roles say: reader reads runs, operator starts and resumes them. */
    WebTestClient reader;
    WebTestClient operator;

    @BeforeEach
    void logIn(LocalStack stack) {
        reader = ApiClients.as(web, stack.apiLogins().reader());
        operator = ApiClients.as(web, stack.apiLogins().operator());
    }

    @Test
    void aRunFailsWhenKafkaIsDownLongerThanTheOutageBudgetAndAResumeCompletesItOnceKafkaIsBack(LocalStack stack) {
        // Publish once so the producer knows the topic, then take the broker away.
        RunView warm = start("{\"source\": \"faker\", \"count\": 10, \"seed\": \"outage-warm\"}");
        assertThat(awaitFinished(warm.id()).status()).hasToString("SUCCEEDED");
        stack.stop(ServerKind.KAFKA);
        RunView failed;
        try {
            reader.get().uri("/actuator/health").exchange()
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectBody().jsonPath("$.components.kafka.status").isEqualTo("DOWN");

            RunView run = start("{\"source\": \"faker\", \"count\": 2000, \"batchSize\": 500, \"seed\": \"outage\"}");
            failed = awaitFinished(run.id());
        } finally {
            stack.start(ServerKind.KAFKA);
        }

        assertThat(failed.status()).hasToString("FAILED");
        assertThat(failed.lastError()).contains("Kafka did not acknowledge")
                .contains("outage budget of 4s").contains("ingest.publish.outage-budget");
        assertThat(failed.published()).isLessThan(2000);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> reader.get().uri("/actuator/health").exchange()
                .expectStatus().isOk());
        operator.post().uri("/api/v1/ingestions/{id}/resume", failed.id()).exchange().expectStatus().isAccepted();
        RunView resumed = awaitFinished(failed.id());

        assertThat(resumed.status()).hasToString("SUCCEEDED");
        assertThat(resumed.published()).isEqualTo(2000);
        Set<String> expected = LongStream.range(0, 2000).mapToObj(i -> FakerUserSource.loginUuid("outage", i).toString())
                .collect(Collectors.toSet());
        assertThat(TopicContents.read(stack, "users_created_outage_it").keys()).containsAll(expected);
    }

    private RunView start(String body) {
        return operator.post().uri("/api/v1/ingestions").contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isAccepted().expectBody(RunView.class).returnResult().getResponseBody();
    }

    private RunView awaitFinished(UUID id) {
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> reader.get().uri("/api/v1/ingestions/{id}", id).exchange()
                                .expectStatus().isOk().expectBody(RunView.class).returnResult().getResponseBody(),
                        run -> run.status().name().equals("SUCCEEDED") || run.status().name().equals("FAILED"));
    }
}
