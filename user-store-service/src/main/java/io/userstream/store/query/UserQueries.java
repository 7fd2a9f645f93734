package io.userstream.store.query;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PagingState;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.userstream.store.schema.CassandraStoreProperties;
import io.userstream.store.schema.MigratedKeyspace;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.data.cassandra.ReactiveSession;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads users the ways the API asks for them, each from the table built for that question. */
@Component
public class UserQueries {

    private final ReactiveSession reactive;
    private final CassandraStoreProperties properties;
    private final PartitionWalk walk;
    private final PreparedStatement byId;
    private final PreparedStatement countryYears;
    private final PreparedStatement countryPage;
    private final PreparedStatement countryGenderPage;
    private final PreparedStatement idsByEmail;
    private final PreparedStatement idsByUsername;

    public UserQueries(ReactiveSession reactive, CqlSession session, MigratedKeyspace keyspace, CassandraStoreProperties properties) {
        this.reactive = reactive;
        this.properties = properties;
        this.walk = new PartitionWalk(reactive, session, properties);
        this.byId = session.prepare("SELECT " + UserView.COLUMNS + " FROM " + keyspace.table("users") + " WHERE user_id = ?");
        this.countryYears = session.prepare("SELECT registered_year FROM " + keyspace.table("country_registration_years")
                + " WHERE country_code = ?");
        String byCountry = "SELECT " + UserView.COLUMNS + " FROM " + keyspace.table("users_by_country")
                + " WHERE country_code = ? AND registered_year = ?";
        this.countryPage = session.prepare(byCountry);
        this.countryGenderPage = session.prepare(byCountry + " AND gender = ?");
        this.idsByEmail = session.prepare("SELECT user_id FROM " + keyspace.table("users_by_email") + " WHERE email = ?");
        this.idsByUsername = session.prepare("SELECT user_id FROM " + keyspace.table("users_by_username") + " WHERE username = ?");
    }

    public Mono<UserView> byId(UUID id) {
        return rows(byId.bind(id)).next().map(UserView::of);
    }

    /** E-mail addresses are stored in lower case. If several users share one, the lowest user id wins. */
    public Mono<UserView> byEmail(String email) {
        String normalized = email.toLowerCase(Locale.ROOT);
        return usersOf(idsByEmail.bind(normalized)).filter(user -> normalized.equals(user.email())).next();
    }

    /** If several users share a username, the lowest user id wins. */
    public Mono<UserView> byUsername(String username) {
        return usersOf(idsByUsername.bind(username)).filter(user -> username.equals(user.username())).next();
    }

    /**
     * One page of a country's users, newest registered first, optionally of one gender. A page may
     * span several registration-year partitions; the token says where the next one starts.
     *
     * @throws InvalidPageTokenException (as the Mono's error) for a token not issued for this query
     */
    public Mono<UsersPage> byCountry(String countryCode, String gender, int limit, String pageToken) {
        PageToken start = pageToken == null ? null : PageToken.decode(pageToken);
        return rows(countryYears.bind(countryCode)).map(row -> row.getInt("registered_year")).collectList()
                .flatMap(years -> {
                    List<Integer> left = start == null ? years : years.stream().filter(year -> year <= start.bucket()).toList();
                    PagingState state = start != null && !left.isEmpty() && left.get(0) == start.bucket() ? start.pagingState() : null;
                    return walk.page(left, state, pageToken != null, limit, year -> gender == null
                                    ? countryPage.bind(countryCode, year)
                                    : countryGenderPage.bind(countryCode, year, gender),
                            UserView::of);
                })
                .map(page -> new UsersPage(page.items(), page.nextPageToken()));
    }

    private Flux<UserView> usersOf(BoundStatement lookup) {
        return rows(lookup).map(row -> row.getUuid("user_id")).concatMap(this::byId);
    }

    private Flux<Row> rows(BoundStatement statement) {
        return read(statement).flatMapMany(result -> result.rows());
    }

    private Mono<org.springframework.data.cassandra.ReactiveResultSet> read(BoundStatement statement) {
        return reactive.execute(statement.setConsistencyLevel(properties.readConsistency()));
    }
}
