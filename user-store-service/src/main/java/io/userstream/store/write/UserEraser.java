package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.MigratedKeyspace;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Erases a person (DELETE /api/v1/users/{id}): first puts the id on the {@link ErasureList}, so from then
 * on no writer of any instance stores the user again, then deletes the user's rows, found through the
 * users row, in one logged batch ({@link ErasureStatements}): Cassandra applies all of it or, after a
 * crash, replays it from its batch log, so no half of a person is left. Idempotent: an erasure that
 * finds no users row (never stored, already erased) only confirms the list entry; one that a crash
 * interrupted between the two steps is completed by the next (the users row is still there to be found).
 *
 * <p>Race with a writer storing the same user at that moment: between adding the id to the list and
 * reading the users row, this changes the erasure marker ({@link ErasureList#markErasure}). A writer that
 * sees the marker changed after writing its rows reads the list again and deletes them itself when the
 * user is on it ({@link UserWriter}); a writer that does not see it had its rows written before this
 * reads the users row, and this deletes them.
 */
@Component
public class UserEraser {

    private static final Logger log = LoggerFactory.getLogger(UserEraser.class);

    /**
     * @param erasedAt    when the user was first erased (this request, or an earlier one)
     * @param erasedBy    who asked first
     * @param rowsDeleted whether a stored user was found and its rows deleted now
     */
    public record Erasure(UUID userId, Instant erasedAt, String erasedBy, boolean firstErasure, boolean rowsDeleted) {
    }

    private final CqlSession session;
    private final ErasureList erasures;
    private final ErasureStatements statements;
    private final CassandraStoreProperties properties;
    private final PreparedStatement keysOfUser;

    public UserEraser(CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties, ErasureList erasures,
                      ErasureStatements statements) {
        this.session = session;
        this.erasures = erasures;
        this.statements = statements;
        this.properties = properties;
        this.keysOfUser = session.prepare("SELECT " + UserRowKeys.COLUMNS + " FROM " + keyspace.table("users") + " WHERE user_id = ?");
    }

    /**
     * @param requestedBy the authenticated principal's name, kept on the list (first erasure) and in the audit line
     * @return the erasure; fails with the driver's exception if Cassandra did not answer (repeating the call is safe)
     */
    public Mono<Erasure> erase(UUID userId, String requestedBy) {
        return erasures.add(userId, requestedBy)
                .flatMap(entry -> erasures.markErasure().thenReturn(entry))
                .flatMap(entry -> storedKeys(userId)
                        .flatMap(keys -> deleteRows(keys).thenReturn(true))
                        .defaultIfEmpty(false)
                        .map(deleted -> new Erasure(userId, entry.erasedAt(), entry.erasedBy(), entry.added(), deleted)))
                // The audit line: ids and the principal only, never a value of the person.
                .doOnNext(erasure -> log.info("Erasure of user {} requested by {}: {}; on the erasure list since {} (by {})",
                        userId, requestedBy, erasure.rowsDeleted() ? "stored rows deleted" : "no stored rows",
                        erasure.erasedAt(), erasure.erasedBy()));
    }

    private Mono<UserRowKeys> storedKeys(UUID userId) {
        return Mono.fromCompletionStage(() -> session.executeAsync(keysOfUser.bind(userId)
                        .setConsistencyLevel(properties.readConsistency())))
                .flatMap(result -> {
                    Row row = result.one();
                    return row == null ? Mono.empty() : Mono.just(UserRowKeys.of(row));
                });
    }

    private Mono<Void> deleteRows(UserRowKeys keys) {
        BatchStatement batch = BatchStatement.newInstance(DefaultBatchType.LOGGED)
                .addAll(statements.of(keys))
                .setConsistencyLevel(properties.writeConsistency())
                .setIdempotent(true);
        return Mono.fromCompletionStage(() -> session.executeAsync(batch)).then();
    }
}
