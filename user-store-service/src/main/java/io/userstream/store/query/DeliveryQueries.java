package io.userstream.store.query;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.time.Duration;
import java.util.UUID;
import org.springframework.data.cassandra.ReactiveSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How an ingestion run was delivered: how many distinct users are stored (the rows of its
 * users_by_run shards), how many distinct records were dead-lettered (the rows of its
 * dead_letters_by_run shards) and how many distinct users were erased (the rows of its
 * erased_users_by_run shards).
 */
@Component
public class DeliveryQueries {

    /** Counting a shard reads all its rows; a large run needs more than the default 2 s. */
    private static final Duration COUNT_TIMEOUT = Duration.ofSeconds(30);

    private final ReactiveSession reactive;
    private final CassandraStoreProperties properties;
    private final PreparedStatement countStoredShard;
    private final PreparedStatement countDeadLetterShard;
    private final PreparedStatement countErasedShard;

    public DeliveryQueries(ReactiveSession reactive, CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties) {
        this.reactive = reactive;
        this.properties = properties;
        this.countStoredShard = session.prepare("SELECT COUNT(*) FROM " + keyspace.table("users_by_run") + " WHERE run_id = ? AND shard = ?");
        this.countDeadLetterShard = session.prepare("SELECT COUNT(*) FROM " + keyspace.table("dead_letters_by_run")
                + " WHERE run_id = ? AND shard = ?");
        this.countErasedShard = session.prepare("SELECT COUNT(*) FROM " + keyspace.table("erased_users_by_run")
                + " WHERE run_id = ? AND shard = ?");
    }

    public Mono<Long> storedUsers(UUID runId) {
        return countRows(countStoredShard, runId, DataLayout.RUN_SHARDS);
    }

    public Mono<Long> deadLetters(UUID runId) {
        return countRows(countDeadLetterShard, runId, DataLayout.DEAD_LETTER_SHARDS);
    }

    public Mono<Long> erasedUsers(UUID runId) {
        return countRows(countErasedShard, runId, DataLayout.RUN_SHARDS);
    }

    private Mono<Long> countRows(PreparedStatement count, UUID runId, int shards) {
        return Flux.range(0, shards)
                .flatMap(shard -> reactive.execute(count.bind(runId, shard)
                                .setConsistencyLevel(properties.readConsistency())
                                .setTimeout(COUNT_TIMEOUT))
                        .flatMap(result -> result.rows().next())
                        .map(row -> row.getLong(0)), 4)
                .reduce(0L, Long::sum);
    }
}
