package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Upserts dead letters into dead_letters_by_run, keyed by run and source coordinates, so writing
 * the same dead letter again leaves exactly the row of writing it once.
 */
@Component
public class DeadLetterWriter {

    private final BoundedWrites writes;
    private final CassandraStoreProperties properties;
    private final PreparedStatement insertDeadLetter;

    public DeadLetterWriter(CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties, BoundedWrites writes) {
        this.writes = writes;
        this.properties = properties;
        this.insertDeadLetter = session.prepare("INSERT INTO " + keyspace.table("dead_letters_by_run")
                + " (run_id, shard, source_topic, source_partition, source_offset, user_id, reason, stage, error, failed_at, service)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }

    /**
     * @return the dead letters Cassandra refuses for good
     * @throws StoreUnavailableException if Cassandra did not take every write (retry the batch)
     */
    public List<WriteFailure<RunDeadLetter>> write(List<RunDeadLetter> deadLetters) {
        if (deadLetters.isEmpty()) {
            return List.of();
        }
        return writes.write("dead-letters", deadLetters, deadLetter -> List.of(insertDeadLetter.bind(
                        deadLetter.runId(),
                        DataLayout.deadLetterShard(deadLetter.sourceTopic(), deadLetter.sourcePartition(), deadLetter.sourceOffset()),
                        deadLetter.sourceTopic(), deadLetter.sourcePartition(), deadLetter.sourceOffset(),
                        deadLetter.userId(), deadLetter.reason(), deadLetter.stage(), deadLetter.error(),
                        deadLetter.failedAt(), deadLetter.service())
                .setConsistencyLevel(properties.writeConsistency())
                .setIdempotent(true)));
    }
}
