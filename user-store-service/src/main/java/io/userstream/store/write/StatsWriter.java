package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.schema.UserStats;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Upserts windowed counts. Each user_stats record carries the running total of its window, and a later
 * record of a window supersedes the earlier ones (one key, one partition, so offset order is the order
 * they were counted in). Within one batch only the last record of each window is written, so the
 * stored count never depends on the order in which the batch's concurrent writes are applied. Across
 * batches, order holds because a batch is written before the next one is read.
 */
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
     * @param stats in offset order
     * @return the windows Cassandra refuses for good (each the last record of its window)
     * @throws StoreUnavailableException if Cassandra did not take every write (retry the batch)
     */
    public List<WriteFailure<UserStats>> write(List<UserStats> stats) {
        if (stats.isEmpty()) {
            return List.of();
        }
        return writes.write("stats", latestOfEachWindow(stats), window -> List.of(insertStats.bind(
                        window.getDimension().name(), window.getKey(), DataLayout.statsDay(window.getWindowStart()),
                        window.getWindowStart(), window.getWindowEnd(), window.getCount())
                .setConsistencyLevel(properties.writeConsistency())
                .setIdempotent(true)));
    }

    /** The row a record updates: window_end and day follow from these. */
    private record WindowKey(String dimension, String key, Instant windowStart) {
    }

    /** The last record of each window, in the order the windows first appear; the earlier ones are superseded. */
    static List<UserStats> latestOfEachWindow(List<UserStats> stats) {
        Map<WindowKey, UserStats> latest = new LinkedHashMap<>();
        for (UserStats window : stats) {
            latest.put(new WindowKey(window.getDimension().name(), window.getKey(), window.getWindowStart()), window);
        }
        return latest.size() == stats.size() ? stats : new ArrayList<>(latest.values());
    }
}
