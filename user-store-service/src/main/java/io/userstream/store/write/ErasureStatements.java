package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The statements that remove an erased user's rows: users, users_by_country, users_by_email,
 * users_by_username and users_by_run, and that count the user as erased for its run in
 * erased_users_by_run (ids only), so the run's delivery still adds up. Shared by the erasure
 * ({@link UserEraser}, keys from the users row) and the writer ({@link UserWriter}, keys from a record
 * of an erased user that arrives again). Deletes and upserts by key: repeating them changes nothing.
 *
 * <p>user_stats keeps its counts (aggregates, no person in them); country_registration_years keeps its
 * (country, year) entry, which names no one.
 */
@Component
public class ErasureStatements {

    private final CassandraStoreProperties properties;
    private final PreparedStatement deleteUser;
    private final PreparedStatement deleteByCountry;
    private final PreparedStatement deleteByEmail;
    private final PreparedStatement deleteByUsername;
    private final PreparedStatement deleteByRun;
    private final PreparedStatement insertErasedByRun;

    public ErasureStatements(CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties) {
        this.properties = properties;
        this.deleteUser = session.prepare("DELETE FROM " + keyspace.table("users") + " WHERE user_id = ?");
        this.deleteByCountry = session.prepare("DELETE FROM " + keyspace.table("users_by_country")
                + " WHERE country_code = ? AND registered_year = ? AND registered_at = ? AND user_id = ?");
        this.deleteByEmail = session.prepare("DELETE FROM " + keyspace.table("users_by_email") + " WHERE email = ? AND user_id = ?");
        this.deleteByUsername = session.prepare("DELETE FROM " + keyspace.table("users_by_username")
                + " WHERE username = ? AND user_id = ?");
        this.deleteByRun = session.prepare("DELETE FROM " + keyspace.table("users_by_run") + " WHERE run_id = ? AND shard = ? AND user_id = ?");
        this.insertErasedByRun = session.prepare("INSERT INTO " + keyspace.table("erased_users_by_run")
                + " (run_id, shard, user_id) VALUES (?, ?, ?)");
    }

    /**
     * The statements for the rows at these keys. A key value that is null leaves its row out: the writer
     * never stores a row with a null key, so there is nothing there to delete.
     */
    public List<BoundStatement> of(UserRowKeys keys) {
        List<BoundStatement> statements = new ArrayList<>(6);
        statements.add(bind(deleteUser, keys.userId()));
        if (keys.countryCode() != null && keys.registeredAt() != null) {
            statements.add(bind(deleteByCountry, keys.countryCode(), DataLayout.registrationYear(keys.registeredAt()),
                    keys.registeredAt(), keys.userId()));
        }
        if (keys.email() != null) {
            statements.add(bind(deleteByEmail, keys.email(), keys.userId()));
        }
        if (keys.username() != null) {
            statements.add(bind(deleteByUsername, keys.username(), keys.userId()));
        }
        if (keys.runId() != null) {
            int shard = DataLayout.runShard(keys.userId());
            statements.add(bind(deleteByRun, keys.runId(), shard, keys.userId()));
            statements.add(bind(insertErasedByRun, keys.runId(), shard, keys.userId()));
        }
        return statements;
    }

    private BoundStatement bind(PreparedStatement statement, Object... values) {
        return statement.bind(values)
                .setConsistencyLevel(properties.writeConsistency())
                .setIdempotent(true);
    }
}
