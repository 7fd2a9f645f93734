package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.userstream.store.schema.CassandraStoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Sends the statements of many items asynchronously with at most
 * {@code userstream.store.cassandra.max-in-flight-writes} unanswered at a time (shared by all
 * consumer threads), waits for every answer, and sorts failures: a statement Cassandra rejects as
 * invalid fails its item for good; anything else (timeouts, no node available, a refused authorization) fails the
 * batch as {@link StoreUnavailableException}. An item whose statements cannot be bound also fails for good.
 */
@Component
public class BoundedWrites {

    private final CqlSession session;
    private final Semaphore inFlight;
    private final MeterRegistry meters;

    public BoundedWrites(CqlSession session, CassandraStoreProperties properties, MeterRegistry meters) {
        this.session = session;
        this.inFlight = new Semaphore(properties.maxInFlightWrites());
        this.meters = meters;
    }

    /**
     * @param kind       metric tag: what is written (users, stats)
     * @param statements the statements of one item; all of them must succeed for the item to count as written
     * @return the items Cassandra refused for good
     * @throws StoreUnavailableException if any statement failed for a reason that may pass
     */
    public <T> List<WriteFailure<T>> write(String kind, List<T> items, Function<T, List<BoundStatement>> statements) {
        Timer.Sample sample = Timer.start(meters);
        List<CompletableFuture<Throwable>> outcomes = new ArrayList<>(items.size());
        List<WriteFailure<T>> refused = new ArrayList<>();
        for (T item : items) {
            List<BoundStatement> itemStatements;
            try {
                itemStatements = statements.apply(item);
            } catch (RuntimeException e) {
                // A value the statements cannot even be bound with: no retry would change that.
                refused.add(new WriteFailure<>(item, e));
                outcomes.add(CompletableFuture.completedFuture(null));
                continue;
            }
            List<CompletableFuture<Throwable>> itemWrites = new ArrayList<>();
            for (BoundStatement statement : itemStatements) {
                itemWrites.add(send(statement));
            }
            outcomes.add(CompletableFuture.allOf(itemWrites.toArray(CompletableFuture[]::new))
                    .thenApply(done -> itemWrites.stream().map(CompletableFuture::join)
                            .filter(java.util.Objects::nonNull).findFirst().orElse(null)));
        }
        Throwable transientError = null;
        int written = -refused.size();
        for (int i = 0; i < items.size(); i++) {
            Throwable error = outcomes.get(i).join();
            if (error == null) {
                written++;
            } else if (refusesTheItem(error)) {
                refused.add(new WriteFailure<>(items.get(i), error));
            } else if (transientError == null) {
                transientError = error;
            }
        }
        sample.stop(meters.timer("userstream.store.write.latency", "kind", kind));
        meters.counter("userstream.store.records.written", "kind", kind).increment(written);
        if (transientError != null) {
            throw new StoreUnavailableException("Cassandra did not take a batch of " + items.size() + " " + kind
                    + ": " + transientError, transientError);
        }
        return refused;
    }

    /**
     * An invalid statement is the item's fault. A refused authorization is not, though the driver counts it among the
     * same validation errors: Cassandra answers "Unable to perform authorization" when it cannot read system_auth at
     * quorum (two of three nodes down), and a missing permission is the store's set-up; either way every item would be
     * refused alike, so the batch waits and is retried instead of dead-lettering valid users.
     */
    static boolean refusesTheItem(Throwable error) {
        return error instanceof QueryValidationException && !(error instanceof UnauthorizedException);
    }

    /** Completes with null on success, else with the error; never exceptionally. */
    private CompletableFuture<Throwable> send(BoundStatement statement) {
        inFlight.acquireUninterruptibly();
        try {
            return session.executeAsync(statement).toCompletableFuture()
                    .handle((result, error) -> {
                        inFlight.release();
                        return error instanceof CompletionException wrapped ? wrapped.getCause() : error;
                    });
        } catch (RuntimeException e) {
            inFlight.release();
            return CompletableFuture.completedFuture(e);
        }
    }
}
