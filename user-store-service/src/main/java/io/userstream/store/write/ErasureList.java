package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.MigratedKeyspace;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The erasure list, table erased_users: the ids of erased users, when and by whom. An erasure adds the
 * id before it deletes any row; {@link UserWriter} reads the list for each batch before it stores users.
 * The list is only ever read from Cassandra, never cached: every instance of the store then sees an
 * erasure made through any of them, and a cached "not erased" could be stale.
 *
 * <p>The erasure marker (table erasure_marker, one row) tells a writer whether an erasure may have raced
 * its batch: every erasure gives it a new random value after adding its id to the list and before it looks
 * for the user's rows; a writer reads it before its check of the list and again after its rows are written,
 * and reads the list a second time only when it changed. Reading the list twice for every batch would cost
 * a second partition read per user for a race that needs an erasure at that very moment.
 */
@Component
public class ErasureList {

    /**
     * Ids per read. One read of 100 partitions ({@code IN}) per 100 users keeps the check at a few requests
     * per polled batch while no single request makes its coordinator gather more than 100 partitions
     * (the size Cassandra's {@code partition_keys_in_select} guardrails are usually set to warn at).
     */
    static final int IDS_PER_READ = 100;

    /** What the writer's reads of the list and the marker take, per call. */
    static final String CHECK_LATENCY = "userstream.store.erasure.check.latency";

    /**
     * An entry of the list.
     *
     * @param erasedAt when the user was first erased
     * @param erasedBy the principal who asked first
     * @param added    whether this call put the user on the list (false: it was there already)
     */
    public record Entry(UUID userId, Instant erasedAt, String erasedBy, boolean added) {
    }

    private final CqlSession session;
    private final CassandraStoreProperties properties;
    private final MeterRegistry meters;
    private final PreparedStatement insert;
    private final PreparedStatement selectErased;
    private final PreparedStatement updateMarker;
    private final PreparedStatement selectMarker;

    public ErasureList(CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties, MeterRegistry meters) {
        this.session = session;
        this.properties = properties;
        this.meters = meters;
        // IF NOT EXISTS: a repeated erasure leaves the first one's time and principal, which is the audit.
        this.insert = session.prepare("INSERT INTO " + keyspace.table("erased_users")
                + " (user_id, erased_at, erased_by) VALUES (?, ?, ?) IF NOT EXISTS");
        this.selectErased = session.prepare("SELECT user_id FROM " + keyspace.table("erased_users") + " WHERE user_id IN ?");
        this.updateMarker = session.prepare("UPDATE " + keyspace.table("erasure_marker") + " SET latest = ? WHERE id = 0");
        this.selectMarker = session.prepare("SELECT latest FROM " + keyspace.table("erasure_marker") + " WHERE id = 0");
    }

    /**
     * Puts a user on the list, once.
     *
     * @return the entry as the list holds it: this one, or the first erasure's when the user was on it already
     */
    public Mono<Entry> add(UUID userId, String erasedBy) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        // LOCAL_SERIAL: the lightweight transaction runs among the local data centre's replicas, like every
        // other request of the store (LOCAL_QUORUM); its commit is written at the write consistency, so a
        // writer's read at the read consistency sees the entry once this completes.
        return Mono.fromCompletionStage(() -> session.executeAsync(insert.bind(userId, now, erasedBy)
                        .setConsistencyLevel(properties.writeConsistency())
                        .setSerialConsistencyLevel(DefaultConsistencyLevel.LOCAL_SERIAL)))
                .map(result -> {
                    if (result.wasApplied()) {
                        return new Entry(userId, now, erasedBy, true);
                    }
                    Row existing = result.one(); // a refused IF NOT EXISTS answers with the row that is there
                    return new Entry(userId, existing.getInstant("erased_at"), existing.getString("erased_by"), false);
                });
    }

    /**
     * Announces an erasure to the writers (see above): call after {@link #add} completed and before looking
     * for the user's rows. A random value, so two erasures never leave the same one.
     */
    public Mono<Void> markErasure() {
        return Mono.fromCompletionStage(() -> session.executeAsync(updateMarker.bind(UUID.randomUUID())
                        .setConsistencyLevel(properties.writeConsistency())
                        .setIdempotent(true)))
                .then();
    }

    /**
     * The current erasure marker: two reads that differ mean an erasure started in between (null before the first erasure).
     *
     * @throws StoreUnavailableException if Cassandra did not answer (the batch is retried)
     */
    public UUID marker() {
        Timer.Sample sample = Timer.start(meters);
        try {
            Row row = session.execute(selectMarker.bind().setConsistencyLevel(properties.readConsistency()).setIdempotent(true)).one();
            return row == null ? null : row.getUuid("latest");
        } catch (DriverException e) {
            throw new StoreUnavailableException("Cassandra did not answer a read of the erasure marker: " + e, e);
        } finally {
            sample.stop(meters.timer(CHECK_LATENCY));
        }
    }

    /**
     * @return those of {@code ids} that are on the list
     * @throws StoreUnavailableException if Cassandra did not answer every read (the batch is retried)
     */
    public Set<UUID> erasedAmong(Collection<UUID> ids) {
        List<UUID> distinct = ids.stream().filter(Objects::nonNull).distinct().toList();
        if (distinct.isEmpty()) {
            return Set.of();
        }
        Timer.Sample sample = Timer.start(meters);
        Set<UUID> erased = new HashSet<>();
        try {
            List<CompletableFuture<AsyncResultSet>> reads = new ArrayList<>();
            for (int from = 0; from < distinct.size(); from += IDS_PER_READ) {
                reads.add(session.executeAsync(selectErased.bind(distinct.subList(from, Math.min(from + IDS_PER_READ, distinct.size())))
                                .setConsistencyLevel(properties.readConsistency())
                                .setIdempotent(true))
                        .toCompletableFuture());
            }
            for (CompletableFuture<AsyncResultSet> read : reads) {
                AsyncResultSet page = read.join();
                while (true) {
                    page.currentPage().forEach(row -> erased.add(row.getUuid("user_id")));
                    if (!page.hasMorePages()) {
                        break;
                    }
                    page = page.fetchNextPage().toCompletableFuture().join();
                }
            }
        } catch (CompletionException | DriverException e) {
            Throwable cause = e instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : e;
            throw new StoreUnavailableException("Cassandra did not answer a read of the erasure list: " + cause, cause);
        } finally {
            sample.stop(meters.timer(CHECK_LATENCY));
        }
        return erased;
    }
}
