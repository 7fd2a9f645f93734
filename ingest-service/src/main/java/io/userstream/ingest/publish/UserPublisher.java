package io.userstream.ingest.publish;

import java.util.concurrent.CompletionException;
import io.userstream.ingest.Durations;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.userstream.ingest.fetch.FetchedPage;
import io.userstream.ingest.fetch.FetchedUser;
import io.userstream.schema.RecordHeaders;
import io.userstream.schema.UserCreated;
import io.userstream.schema.topic.TopicLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Sends the usable users of a page to the users_created topic, keyed by login uuid, each with the
 * {@code userstream.run-id} header (its run id) so tools can tell runs apart without decoding Avro.
 */
@Component
public class UserPublisher {

    private final KafkaTemplate<String, UserCreated> kafka;
    private final String topic;
    private final String outageBudget;
    private final Counter published;

    public UserPublisher(KafkaTemplate<String, UserCreated> kafka, PublishProperties properties, TopicLayout topics, MeterRegistry meters) {
        this.kafka = kafka;
        this.topic = topics.usersCreated();
        this.outageBudget = Durations.format(properties.outageBudget());
        this.published = Counter.builder("ingest.users.published")
                .description("Users acknowledged by Kafka").register(meters);
    }

    /**
     * Completes with the number of users acknowledged once Kafka acknowledged all of them, or
     * exceptionally with a {@link PublishFailedException} if any send failed.
     */
    public CompletableFuture<Integer> publish(FetchedPage page) {
        List<FetchedUser.Usable> users = page.usable();
        List<CompletableFuture<?>> acks = new ArrayList<>(users.size());
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        for (FetchedUser.Usable usable : users) {
            if (firstFailure.get() != null) {
                // Kafka failed for longer than the outage budget (every further send would wait as long): stop here.
                break;
            }
            UserCreated user = usable.user();
            CompletableFuture<?> ack;
            try {
                ProducerRecord<String, UserCreated> record = new ProducerRecord<>(topic, user.getLogin().getUuid().toString(), user);
                RecordHeaders.put(record.headers(), RecordHeaders.RUN_ID, user.getIngestion().getRunId().toString());
                ack = kafka.send(record);
            } catch (RuntimeException e) {
                // e.g. the serializer could not reach the schema registry: the send never started.
                ack = CompletableFuture.failedFuture(e);
            }
            ack.whenComplete((result, failure) -> {
                if (failure != null) {
                    firstFailure.compareAndSet(null, failure);
                }
            });
            acks.add(ack);
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture<?>[]::new)).handle((ignored, failure) -> {
            Throwable cause = firstFailure.get() != null ? firstFailure.get() : failure;
            if (cause != null) {
                while (cause instanceof CompletionException && cause.getCause() != null) {
                    cause = cause.getCause();
                }
                throw new PublishFailedException("page " + page.spec().number()
                        + ": Kafka did not acknowledge every user within the outage budget of " + outageBudget
                        + " (" + PublishProperties.OUTAGE_BUDGET_SETTING + "): " + cause, cause);
            }
            published.increment(acks.size());
            return acks.size();
        });
    }
}
