package io.userstream.store.query;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PagingState;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.servererrors.ProtocolError;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import io.userstream.store.schema.CassandraStoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.springframework.data.cassandra.ReactiveResultSet;
import org.springframework.data.cassandra.ReactiveSession;
import reactor.core.publisher.Mono;

/**
 * Fills one page from partitions read one after the other (a country's year partitions, a run's
 * shards): when a partition runs out before the page is full, the page continues in the next.
 * The {@link PageToken} of the next page says which partition and where in it.
 */
final class PartitionWalk {

    /**
     * @param items         in walk order
     * @param nextPageToken null after the last page
     */
    record Page<T>(List<T> items, String nextPageToken) {
    }

    private final ReactiveSession reactive;
    private final CqlSession session;
    private final CassandraStoreProperties properties;

    PartitionWalk(ReactiveSession reactive, CqlSession session, CassandraStoreProperties properties) {
        this.reactive = reactive;
        this.session = session;
        this.properties = properties;
    }

    /**
     * @param buckets     the partitions still to read, in walk order, the token's partition first
     * @param state       where to continue in the first partition (from the token), or null
     * @param resumed     whether a page token was given (Cassandra refusing its state is then a 400)
     * @param limit       rows per page
     * @param statementOf the query of one partition
     * @param view        what a row becomes
     * @throws InvalidPageTokenException (as the Mono's error) for a paging state of another query
     */
    <T> Mono<Page<T>> page(List<Integer> buckets, PagingState state, boolean resumed, int limit,
                           IntFunction<BoundStatement> statementOf, Function<Row, T> view) {
        return fill(new Walk<>(buckets, resumed, limit, statementOf, view), 0, state, new ArrayList<>());
    }

    private record Walk<T>(List<Integer> buckets, boolean resumed, int limit, IntFunction<BoundStatement> statementOf,
                           Function<Row, T> view) {
    }

    private record PartitionEnd(PagingState next) {
    }

    private <T> Mono<Page<T>> fill(Walk<T> walk, int index, PagingState state, List<T> page) {
        if (index >= walk.buckets().size()) {
            return Mono.just(new Page<>(page, null));
        }
        int bucket = walk.buckets().get(index);
        BoundStatement statement = walk.statementOf().apply(bucket).setPageSize(walk.limit() - page.size());
        if (state != null) {
            try {
                statement = statement.setPagingState(state, session);
            } catch (IllegalArgumentException e) {
                return Mono.error(new InvalidPageTokenException("pageToken belongs to another query", e));
            }
        }
        return read(statement)
                .onErrorMap(e -> walk.resumed() && (e instanceof QueryValidationException || e instanceof ProtocolError),
                        e -> new InvalidPageTokenException("Cassandra refused the paging state of pageToken", e))
                .flatMap(result -> result.availableRows().map(walk.view()).collectList().map(rows -> {
                    page.addAll(rows);
                    return new PartitionEnd(result.getExecutionInfo().getSafePagingState());
                }))
                .flatMap(end -> {
                    boolean full = page.size() >= walk.limit();
                    if (end.next() != null) {
                        return full ? Mono.just(new Page<>(page, new PageToken(bucket, end.next()).encode()))
                                : fill(walk, index, end.next(), page);
                    }
                    if (!full) {
                        return fill(walk, index + 1, null, page);
                    }
                    String next = index + 1 < walk.buckets().size() ? new PageToken(walk.buckets().get(index + 1), null).encode() : null;
                    return Mono.just(new Page<>(page, next));
                });
    }

    private Mono<ReactiveResultSet> read(BoundStatement statement) {
        return reactive.execute(statement.setConsistencyLevel(properties.readConsistency()));
    }
}
