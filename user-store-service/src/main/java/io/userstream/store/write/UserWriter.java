package io.userstream.store.write;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.userstream.schema.UserProcessed;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.DataLayout;
import io.userstream.store.schema.MigratedKeyspace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Upserts processed users into every table that answers a query about them. All writes are keyed
 * by the user id (plus values that are fixed for a user), so writing the same user twice leaves
 * exactly the rows of writing it once.
 *
 * <p>An erased user is never stored again, whichever way its record comes back (a replay of the topic, a
 * late duplicate, a re-drive): each batch reads the {@link ErasureList} first, and a user on it gets the
 * erasure's statements instead of its rows (deleting whatever a crash may have left at the record's keys,
 * and counting the user as erased for its run, so the run's delivery still adds up). A user erased while
 * its rows were being written (the erasure may have read the users row before they were there) is caught
 * by the erasure marker, read before the check and after the writes: when it changed, the list is read
 * once more and such a user's rows are deleted again here.
 */
@Component
public class UserWriter {

    private static final Logger log = LoggerFactory.getLogger(UserWriter.class);

    /** Columns of users and users_by_country, in bind order after their key columns. */
    static final String USER_COLUMNS = "title, first_name, last_name, gender, email, email_domain, username, phone, cell, "
            + "address, postcode, city, state, country, latitude, longitude, date_of_birth, age, "
            + "picture_large, picture_medium, picture_thumbnail, run_id, source, fetched_at, processed_at";
    private static final String USER_MARKERS = "?, ".repeat(24) + "?";

    private final BoundedWrites writes;
    private final CassandraStoreProperties properties;
    private final ErasureList erasures;
    private final ErasureStatements erasure;
    private final PreparedStatement insertUser;
    private final PreparedStatement insertByCountry;
    private final PreparedStatement insertCountryYear;
    private final PreparedStatement insertByEmail;
    private final PreparedStatement insertByUsername;
    private final PreparedStatement insertByRun;
    private final PreparedStatement deleteByRun;
    /** Country-year partitions known to be recorded; saves one write per user after the first. */
    private final Set<String> recordedCountryYears = ConcurrentHashMap.newKeySet();

    public UserWriter(CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties, BoundedWrites writes,
                      ErasureList erasures, ErasureStatements erasure) {
        this.writes = writes;
        this.properties = properties;
        this.erasures = erasures;
        this.erasure = erasure;
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
     * Writes the users, except erased ones: their rows are deleted instead and they count as erased for
     * their run. Returns the users Cassandra refuses for good, which are then not counted as stored for
     * their run. An erased user is never returned as refused: dead-lettering it would copy its record to
     * the dead-letter topic.
     *
     * @throws StoreUnavailableException if Cassandra did not take every write or answer every read of the
     *                                   erasure list (retry the batch)
     */
    public List<WriteFailure<UserProcessed>> write(List<UserProcessed> users) {
        if (users.isEmpty()) {
            return List.of();
        }
        UUID markerBefore = erasures.marker(); // before the check: an erasure it misses changes the marker after
        Set<UUID> erased = erasures.erasedAmong(users.stream().map(UserProcessed::getUserId).toList());
        List<UserProcessed> toStore = new ArrayList<>(users.size());
        List<UserProcessed> toErase = new ArrayList<>();
        for (UserProcessed user : users) {
            (erased.contains(user.getUserId()) ? toErase : toStore).add(user);
        }
        List<WriteFailure<UserProcessed>> refused = List.of();
        if (!toStore.isEmpty()) {
            List<String> newCountryYears = new ArrayList<>();
            refused = writes.write("users", toStore, user -> statements(user, newCountryYears));
            recorded(newCountryYears); // only now: the batch was written
            uncount(refused);
            if (!Objects.equals(markerBefore, erasures.marker())) {
                toErase.addAll(erasedMeanwhile(toStore, refused));
            }
        }
        erase(toErase);
        return refused;
    }

    /** The stored users that were put on the erasure list while their rows were being written (an erasure ran meanwhile). */
    private List<UserProcessed> erasedMeanwhile(List<UserProcessed> stored, List<WriteFailure<UserProcessed>> refused) {
        Set<UserProcessed> notStored = Collections.newSetFromMap(new IdentityHashMap<>());
        refused.forEach(failure -> notStored.add(failure.item()));
        List<UserProcessed> written = stored.stream().filter(user -> !notStored.contains(user)).toList();
        Set<UUID> erased = erasures.erasedAmong(written.stream().map(UserProcessed::getUserId).toList());
        if (erased.isEmpty()) {
            return List.of();
        }
        List<UserProcessed> meanwhile = written.stream().filter(user -> erased.contains(user.getUserId())).toList();
        meanwhile.forEach(user -> log.info("User {} was erased while its record was being stored; its rows are deleted again",
                user.getUserId()));
        return meanwhile;
    }

    /**
     * Deletes the rows an erased user's record would have written (none, usually; a crash of an earlier
     * try, or an erasure racing the write, may have left some) and counts the user as erased for its run.
     */
    private void erase(List<UserProcessed> erased) {
        if (erased.isEmpty()) {
            return;
        }
        for (WriteFailure<UserProcessed> failure : writes.write("users-erased", erased, user -> erasure.of(UserRowKeys.of(user)))) {
            // Only a key Cassandra refuses as invalid (e.g. over 64 KiB), at which it never stored a row either.
            log.warn("Cassandra refuses a delete of erased user {}; nothing can be stored at that key: {}",
                    failure.item().getUserId(), String.valueOf(failure.error()));
        }
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
