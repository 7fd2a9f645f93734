package io.userstream.store.write;

import com.datastax.oss.driver.api.core.cql.Row;
import io.userstream.schema.UserProcessed;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Where a user's rows are: the values that, with the user id, make up their keys in users,
 * users_by_country, users_by_email, users_by_username and users_by_run, normalized as {@link UserWriter}
 * stores them. An erasure takes them from the users row, the writer from a record of the user.
 * A null value means that row cannot be found (and is not deleted).
 *
 * @param countryCode  upper case
 * @param registeredAt its UTC year is the users_by_country partition
 * @param email        lower case
 * @param runId        the run whose users_by_run row counts the user
 */
public record UserRowKeys(UUID userId, String countryCode, Instant registeredAt, String email, String username, UUID runId) {

    public static UserRowKeys of(UserProcessed user) {
        return new UserRowKeys(user.getUserId(),
                user.getCountryCode() == null ? null : user.getCountryCode().toUpperCase(Locale.ROOT),
                user.getRegisteredAt(),
                user.getEmail() == null ? null : user.getEmail().toLowerCase(Locale.ROOT),
                user.getUsername(),
                user.getIngestion() == null ? null : user.getIngestion().getRunId());
    }

    /** From a row of users selecting {@link #COLUMNS}, already normalized by the writer. */
    static UserRowKeys of(Row row) {
        return new UserRowKeys(row.getUuid("user_id"), row.getString("country_code"), row.getInstant("registered_at"),
                row.getString("email"), row.getString("username"), row.getUuid("run_id"));
    }

    /** The columns of users that {@link #of(Row)} reads. */
    static final String COLUMNS = "user_id, country_code, registered_at, email, username, run_id";
}
