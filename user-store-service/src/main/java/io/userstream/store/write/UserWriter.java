package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.schema.UserProcessed;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Upserts processed users into every table that answers a query about them. All writes are keyed
 * by the user id (plus values that are fixed for a user), so writing the same user twice leaves
 * exactly the rows of writing it once.
 */
@Component
public class UserWriter {

    /** Columns of users and users_by_country, in bind order after their key columns. */
    static final String USER_COLUMNS = "title, first_name, last_name, gender, email, email_domain, username, phone, cell, "
            + "address, postcode, city, state, country, latitude, longitude, date_of_birth, age, "
            + "picture_large, picture_medium, picture_thumbnail, run_id, source, fetched_at, processed_at";
    private static final String USER_MARKERS = "?, ".repeat(24) + "?";

    private final BoundedWrites writes;
    private final CassandraStoreProperties properties;
    private final PreparedStatement insertUser;
    private final PreparedStatement insertByCountry;
    private final PreparedStatement insertCountryYear;
    private final PreparedStatement insertByEmail;
    private final PreparedStatement insertByUsername;
    private final PreparedStatement insertByRun;
    private final PreparedStatement deleteByRun;
    /** Country-year partitions known to be recorded; saves one write per user after the first. */
    private final Set<String> recordedCountryYears = ConcurrentHashMap.newKeySet();

    public UserWriter(CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties, BoundedWrites writes) {
        this.writes = writes;
        this.properties = properties;
        this.insertUser = session.prepare("INSERT INTO " + keyspace.table("users")
                + " (user_id, country_code, registered_at, " + USER_COLUMNS + ") VALUES (?, ?, ?, " + USER_MARKERS + ")");
        this.insertByCountry = session.prepare("INSERT INTO " + keyspace.table("users_by_country")
                + " (country_code, registered_year, registered_at, user_id, " + USER_COLUMNS + ") VALUES (?, ?, ?, ?, " + USER_MARKERS + ")");
        this.insertCountryYear = session.prepare("INSERT INTO " + keyspace.table("country_registration_years")
                + " (country_code, registered_year) VALUES (?, ?)");
        this.insertByEmail = session.prepare("INSERT INTO " + keyspace.table("users_by_email") + " (email, user_id) VALUES (?, ?)");
        this.insertByUsername = session.prepare("INSERT INTO " + keyspace.table("users_by_username") + " (username, user_id) VALUES (?, ?)");
        this.insertByRun = session.prepare("INSERT INTO " + keyspace.table("users_by_run") + " (run_id, shard, user_id) VALUES (?, ?, ?)");
        this.deleteByRun = session.prepare("DELETE FROM " + keyspace.table("users_by_run") + " WHERE run_id = ? AND shard = ? AND user_id = ?");
    }

    /**
     * Writes the users; returns those Cassandra refuses for good, which are then not counted as
     * stored for their run.
     *
     * @throws StoreUnavailableException if Cassandra did not take every write (retry the batch)
     */
    public List<WriteFailure<UserProcessed>> write(List<UserProcessed> users) {
        if (users.isEmpty()) {
            return List.of();
        }
        List<String> newCountryYears = new ArrayList<>();
        List<WriteFailure<UserProcessed>> refused = writes.write("users", users, user -> statements(user, newCountryYears));
        recorded(newCountryYears); // only now: the batch was written
        uncount(refused);
        return refused;
    }

    /**
     * A refused user is dead-lettered and counted as such, so it must not count as stored as well
     * (stored + dead-lettered == published): its users_by_run row, which Cassandra may have taken
     * beside the refused statement, is deleted. The rows of its other tables are left as they are.
     * Rare (only refused users), idempotent, and retried with the batch if Cassandra is unavailable.
     */
    private void uncount(List<WriteFailure<UserProcessed>> refused) {
        if (refused.isEmpty()) {
            return;
        }
        // A user whose statements could not even be bound may lack the values to delete by: nothing to undo then.
        writes.write("users-uncounted", refused.stream().map(WriteFailure::item).toList(), user -> List.of(bind(deleteByRun,
                user.getIngestion().getRunId(), DataLayout.runShard(user.getUserId()), user.getUserId())));
    }

    /** Country-year partitions now known to be in country_registration_years: no need to write them again. */
    public void recorded(List<String> countryYears) {
        recordedCountryYears.addAll(countryYears);
    }

    /** Every statement storing one user. Visible for the benchmark's bare-driver baseline. */
    public List<BoundStatement> statements(UserProcessed user, List<String> newCountryYears) {
        UUID userId = user.getUserId();
        String countryCode = user.getCountryCode().toUpperCase(Locale.ROOT);
        int year = DataLayout.registrationYear(user.getRegisteredAt());
        Object[] columns = userColumns(user);
        List<BoundStatement> statements = new ArrayList<>(6);
        statements.add(bind(insertUser, prefixed(columns, userId, countryCode, user.getRegisteredAt())));
        statements.add(bind(insertByCountry, prefixed(columns, countryCode, year, user.getRegisteredAt(), userId)));
        String countryYear = countryCode + "/" + year;
        if (!recordedCountryYears.contains(countryYear)) {
            statements.add(bind(insertCountryYear, countryCode, year));
            newCountryYears.add(countryYear);
        }
        statements.add(bind(insertByEmail, user.getEmail().toLowerCase(Locale.ROOT), userId));
        statements.add(bind(insertByUsername, user.getUsername(), userId));
        statements.add(bind(insertByRun, user.getIngestion().getRunId(), DataLayout.runShard(userId), userId));
        return statements;
    }

    private static Object[] userColumns(UserProcessed user) {
        return new Object[] {
                user.getName().getTitle(), user.getName().getFirst(), user.getName().getLast(),
                user.getGender(), user.getEmail().toLowerCase(Locale.ROOT), user.getEmailDomain(), user.getUsername(),
                user.getPhone(), user.getCell(),
                user.getAddress(), user.getPostcode(), user.getCity(), user.getState(), user.getCountry(),
                user.getCoordinates().getLatitude(), user.getCoordinates().getLongitude(),
                user.getDateOfBirth(), user.getAge(),
                user.getPicture().getLarge(), user.getPicture().getMedium(), user.getPicture().getThumbnail(),
                user.getIngestion().getRunId(), user.getIngestion().getSource().name(),
                user.getIngestion().getFetchedAt(), user.getProcessedAt()};
    }

    private static Object[] prefixed(Object[] columns, Object... keys) {
        Object[] values = new Object[keys.length + columns.length];
        System.arraycopy(keys, 0, values, 0, keys.length);
        System.arraycopy(columns, 0, values, keys.length, columns.length);
        return values;
    }

    private BoundStatement bind(PreparedStatement statement, Object... values) {
        return statement.bind(values)
                .setConsistencyLevel(properties.writeConsistency())
                .setIdempotent(true);
    }
}
