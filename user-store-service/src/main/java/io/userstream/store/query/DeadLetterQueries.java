package io.userstream.store.query;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.springframework.data.cassandra.ReactiveSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** The dead letters of an ingestion run, page by page, walking the run's dead_letters_by_run shards in order. */
@Component
public class DeadLetterQueries {

    private final PartitionWalk walk;
    private final PreparedStatement shardPage;

    public DeadLetterQueries(ReactiveSession reactive, CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties) {
        this.walk = new PartitionWalk(reactive, session, properties);
        this.shardPage = session.prepare("SELECT " + DeadLetterView.COLUMNS + " FROM " + keyspace.table("dead_letters_by_run")
                + " WHERE run_id = ? AND shard = ?");
    }

    /**
     * @throws InvalidPageTokenException for a token not issued for this run's dead letters (directly,
     *                                   or as the Mono's error when Cassandra refuses its paging state)
     */
    public Mono<DeadLettersPage> byRun(UUID runId, int limit, String pageToken) {
        PageToken start = pageToken == null ? null : PageToken.decode(pageToken);
        if (start != null && (start.bucket() < 0 || start.bucket() >= DataLayout.DEAD_LETTER_SHARDS)) {
            throw new InvalidPageTokenException("pageToken is not a token of a dead-letter listing");
        }
        List<Integer> shards = IntStream.range(start == null ? 0 : start.bucket(), DataLayout.DEAD_LETTER_SHARDS).boxed().toList();
        return walk.page(shards, start == null ? null : start.pagingState(), start != null, limit,
                        shard -> shardPage.bind(runId, shard), DeadLetterView::of)
                .map(page -> new DeadLettersPage(page.items(), page.nextPageToken()));
    }
}
