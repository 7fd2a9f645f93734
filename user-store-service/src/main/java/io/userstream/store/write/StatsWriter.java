package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.schema.UserStats;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.util.List;
import org.springframework.stereotype.Component;

/** Upserts windowed counts: a later update of the same window overwrites its row. */
@Component
public class StatsWriter {

    private final BoundedWrites writes;
    private final CassandraStoreProperties properties;
    private final PreparedStatement insertStats;

    public StatsWriter(CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties, BoundedWrites writes) {
        this.writes = writes;
        this.properties = properties;
        this.insertStats = session.prepare("INSERT INTO " + keyspace.table("user_stats")
                + " (dimension, dimension_key, day, window_start, window_end, user_count) VALUES (?, ?, ?, ?, ?, ?)");
    }

    /**
     * @return the windows Cassandra refuses for good
     * @throws StoreUnavailableException if Cassandra did not take every write (retry the batch)
     */
    public List<WriteFailure<UserStats>> write(List<UserStats> stats) {
        if (stats.isEmpty()) {
            return List.of();
        }
        return writes.write("stats", stats, window -> List.of(insertStats.bind(
                        window.getDimension().name(), window.getKey(), DataLayout.statsDay(window.getWindowStart()),
                        window.getWindowStart(), window.getWindowEnd(), window.getCount())
                .setConsistencyLevel(properties.writeConsistency())
                .setIdempotent(true)));
    }
}
