package io.userstream.store.query;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.time.Instant;
import java.time.LocalDate;
import org.springframework.data.cassandra.ReactiveSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/** Windowed counts of one dimension value, read day partition by day partition in time order. */
@Component
public class StatsQueries {

    private final ReactiveSession reactive;
    private final CassandraStoreProperties properties;
    private final PreparedStatement windows;

    public StatsQueries(ReactiveSession reactive, CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties) {
        this.reactive = reactive;
        this.properties = properties;
        this.windows = session.prepare("SELECT window_start, window_end, user_count FROM " + keyspace.table("user_stats")
                + " WHERE dimension = ? AND dimension_key = ? AND day = ? AND window_start >= ? AND window_start < ?");
    }

    /** Windows starting in [from, to), oldest first; the caller bounds the range. */
    public Flux<StatsWindow> windows(String dimension, String key, Instant from, Instant to) {
        LocalDate first = DataLayout.statsDay(from);
        LocalDate last = DataLayout.statsDay(to.minusMillis(1));
        return Flux.fromStream(first.datesUntil(last.plusDays(1)))
                .concatMap(day -> reactive.execute(windows.bind(dimension, key, day, from, to)
                                .setConsistencyLevel(properties.readConsistency()))
                        .flatMapMany(result -> result.rows()))
                .map(row -> new StatsWindow(row.getInstant("window_start"), row.getInstant("window_end"), row.getLong("user_count")));
    }
}
