package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Upserts dead letters into dead_letters_by_run, keyed by run and origin coordinates, so writing
 * the same dead letter again leaves exactly the row of writing it once; and deletes the row of a
 * dead letter whose re-driven record was stored.
 *
 * <p>Both carry their own write timestamp ({@code USING TIMESTAMP}) instead of the time they happen
 * to be applied: a row at its dead letter's {@code dlq.failed-at}, a delete at the stored record's
 * timestamp (the time of its re-drive). Cassandra keeps the cells of the latest timestamp, so the
 * outcome is the same in whatever order the two topics are read: a later failure of a re-driven
 * record overwrites an earlier one, and a dead letter read after the re-drive that resolved it (a
 * lagging or replayed users_dlq) stays shadowed by the delete.
 */
@Component
public class DeadLetterWriter {

    private final BoundedWrites writes;
    private final CassandraStoreProperties properties;
    private final PreparedStatement insertDeadLetter;
    private final PreparedStatement deleteDeadLetter;

    public DeadLetterWriter(CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties, BoundedWrites writes) {
        this.writes = writes;
        this.properties = properties;
        this.insertDeadLetter = session.prepare("INSERT INTO " + keyspace.table("dead_letters_by_run")
                + " (run_id, shard, source_topic, source_partition, source_offset, user_id, reason, stage, error, failed_at, service,"
                + " redrive_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
        this.deleteDeadLetter = session.prepare("DELETE FROM " + keyspace.table("dead_letters_by_run") + " USING TIMESTAMP ?"
                + " WHERE run_id = ? AND shard = ? AND source_topic = ? AND source_partition = ? AND source_offset = ?");
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
                        deadLetter.failedAt(), deadLetter.service(), deadLetter.redriveCount(), micros(deadLetter.writtenAt()))
                .setConsistencyLevel(properties.writeConsistency())
                .setIdempotent(true)));
    }

    /**
     * Deletes the rows of dead letters whose re-driven records are now stored, so each such user
     * counts as stored and no longer as dead-lettered. Idempotent (a retried batch deletes again).
     *
     * @return the deletions Cassandra refuses for good
     * @throws StoreUnavailableException if Cassandra did not take every delete (retry the batch)
     */
    public List<WriteFailure<ResolvedDeadLetter>> delete(List<ResolvedDeadLetter> resolved) {
        if (resolved.isEmpty()) {
            return List.of();
        }
        return writes.write("dead-letters-resolved", resolved, deadLetter -> List.of(deleteDeadLetter.bind(
                        micros(deadLetter.resolvedAt()), deadLetter.runId(),
                        DataLayout.deadLetterShard(deadLetter.originTopic(), deadLetter.originPartition(), deadLetter.originOffset()),
                        deadLetter.originTopic(), deadLetter.originPartition(), deadLetter.originOffset())
                .setConsistencyLevel(properties.writeConsistency())
                .setIdempotent(true)));
    }

    /** CQL write timestamps are microseconds since the epoch. */
    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
