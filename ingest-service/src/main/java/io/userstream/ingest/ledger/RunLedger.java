package io.userstream.ingest.ledger;

import io.userstream.ingest.fetch.SourceKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** The PostgreSQL record of every run and every acknowledged page. Blocking: call it off the event loop. */
@Repository
public class RunLedger {

    private static final String SELECT_RUN = """
            select r.*, (select count(*) from ingestion_page p where p.run_id = r.id) as pages_done
            from ingestion_run r
            """;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final RunOwner owner;

    /** {@code owner}: this instance, which queues and executes the runs it creates, resumes or takes over. */
    public RunLedger(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, RunOwner owner) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.clock = clock;
        this.owner = owner;
    }

    /**
     * Records a new PENDING run, this instance's, or returns the run already recorded under the same idempotency key.
     *
     * @return the run, whether this call created it, and the fingerprint of the request that created it
     */
    public Created create(NewRun run) {
        UUID id = UUID.randomUUID();
        try {
            jdbc.sql("""
                    insert into ingestion_run (id, idempotency_key, source, requested, batch_size, seed, nationalities,
                                               status, created_at, request_fingerprint, owner, lease_until)
                    values (:id, :key, :source, :requested, :batchSize, :seed, :nationalities, 'PENDING', :now, :fingerprint,
                            :owner, :leaseUntil)
                    """)
                    .param("id", id)
                    .param("key", run.idempotencyKey())
                    .param("source", run.source().id())
                    .param("requested", run.requested())
                    .param("batchSize", run.batchSize())
                    .param("seed", run.seed())
                    .param("nationalities", String.join(",", run.nationalities()))
                    .param("now", now())
                    .param("fingerprint", run.requestFingerprint())
                    .param("owner", owner.instanceId())
                    .param("leaseUntil", leaseUntil())
                    .update();
            return new Created(find(id).orElseThrow(), true, run.requestFingerprint());
        } catch (DuplicateKeyException sameKey) {
            IngestionRun first = findByIdempotencyKey(run.idempotencyKey()).orElseThrow(() -> sameKey);
            String fingerprint = jdbc.sql("select request_fingerprint from ingestion_run where id = :id")
                    .param("id", first.id()).query(String.class).optional().orElse(null);
            return new Created(first, false, fingerprint);
        }
    }

    /** {@code requestFingerprint} is null for a run recorded before fingerprints were kept. */
    public record Created(IngestionRun run, boolean isNew, String requestFingerprint) {
    }

    public Optional<IngestionRun> find(UUID id) {
        return jdbc.sql(SELECT_RUN + " where r.id = :id").param("id", id).query(RunLedger::run).optional();
    }

    public Optional<IngestionRun> findByIdempotencyKey(String key) {
        return jdbc.sql(SELECT_RUN + " where r.idempotency_key = :key").param("key", key).query(RunLedger::run).optional();
    }

    public List<IngestionRun> recent(int limit) {
        return jdbc.sql(SELECT_RUN + " order by r.created_at desc limit :limit").param("limit", limit)
                .query(RunLedger::run).list();
    }

    public Set<Integer> pagesDone(UUID runId) {
        return new HashSet<>(jdbc.sql("select page_number from ingestion_page where run_id = :id")
                .param("id", runId).query(Integer.class).list());
    }

    /**
     * PENDING or FAILED → RUNNING; false if the run was in another state (e.g. resumed twice at once) or is no longer
     * this instance's (taken over by another).
     */
    public boolean markRunning(UUID runId, Set<RunStatus> from) {
        return jdbc.sql("""
                update ingestion_run set status = 'RUNNING', started_at = :now, finished_at = null, lease_until = :leaseUntil
                where id = :id and status in (:from) and owner = :owner
                """)
                .param("id", runId).param("now", now()).param("owner", owner.instanceId()).param("leaseUntil", leaseUntil())
                .param("from", from.stream().map(Enum::name).toList())
                .update() == 1;
    }

    /** FAILED → PENDING again and this instance's, for a resume accepted but not started yet. */
    public boolean markPendingForResume(UUID runId) {
        return jdbc.sql("update ingestion_run set status = 'PENDING', last_error = null, finished_at = null, "
                        + "owner = :owner, lease_until = :leaseUntil where id = :id and status = 'FAILED'")
                .param("id", runId).param("owner", owner.instanceId()).param("leaseUntil", leaseUntil()).update() == 1;
    }

    /**
     * Records a page as done and adds its numbers to the run, once: a page completed twice (a resumed
     * run republishing a page whose checkpoint was lost) counts once.
     */
    public void completePage(UUID runId, CompletedPage page) {
        transactions.executeWithoutResult(status -> {
            int inserted = jdbc.sql("""
                    insert into ingestion_page (run_id, page_number, fetched, published, failed, completed_at)
                    values (:id, :page, :fetched, :published, :failed, :now)
                    on conflict do nothing
                    """)
                    .param("id", runId).param("page", page.number()).param("fetched", page.fetched())
                    .param("published", page.published()).param("failed", page.failures().size()).param("now", now())
                    .update();
            if (inserted == 0) {
                return;
            }
            for (CompletedPage.Failure failure : page.failures()) {
                jdbc.sql("""
                        insert into ingestion_failure (run_id, page_number, position, reason)
                        values (:id, :page, :position, :reason) on conflict do nothing
                        """)
                        .param("id", runId).param("page", page.number()).param("position", failure.position())
                        .param("reason", failure.reason()).update();
            }
            jdbc.sql("""
                    update ingestion_run set fetched = fetched + :fetched, published = published + :published,
                                             failed = failed + :failed
                    where id = :id
                    """)
                    .param("id", runId).param("fetched", page.fetched()).param("published", page.published())
                    .param("failed", page.failures().size()).update();
        });
    }

    /**
     * RUNNING → SUCCEEDED, only if every page is recorded done. True again for a SUCCEEDED run, so that a
     * retry after a lost answer does not read as "not every page done".
     */
    public boolean markSucceeded(UUID runId, int pageCount) {
        return jdbc.sql("""
                update ingestion_run set status = 'SUCCEEDED', last_error = null, finished_at = :now
                where id = :id and status in ('RUNNING', 'SUCCEEDED')
                  and (select count(*) from ingestion_page where run_id = :id) = :pages
                """)
                .param("id", runId).param("now", now()).param("pages", pageCount).update() == 1;
    }

    /** → FAILED, unless another instance took the run over meanwhile: a run it executes is not this one's to fail. */
    public void markFailed(UUID runId, String error) {
        jdbc.sql("""
                update ingestion_run set status = 'FAILED', last_error = :error, finished_at = :now, owner = null, lease_until = null
                where id = :id and (owner = :owner or owner is null)
                """)
                .param("id", runId).param("error", error).param("now", now()).param("owner", owner.instanceId()).update();
    }

    /**
     * RUNNING → PENDING for a run this stopping instance interrupted, released at once: the next instance to look
     * ({@link #claimAbandonedRuns}, or this one's next start) resumes it.
     */
    public void markInterrupted(UUID runId, String reason) {
        jdbc.sql("""
                update ingestion_run set status = 'PENDING', last_error = :reason, finished_at = null, owner = null, lease_until = null
                where id = :id and status = 'RUNNING' and owner = :owner
                """)
                .param("id", runId).param("reason", reason).param("owner", owner.instanceId()).update();
    }

    /**
     * Start-up, before this instance queued any run: claims the unfinished runs (RUNNING or PENDING) that are its own
     * from before a restart, released, or whose lease ran out. They become PENDING, to be resumed here.
     *
     * @return their ids, oldest first
     */
    public List<UUID> claimRunsAtStart() {
        return claim("owner is null or owner = :owner or lease_until < :now", Set.of());
    }

    /**
     * While running: claims the unfinished runs another instance released or stopped renewing (it died), except
     * {@code here}, the runs this instance has queued or executes.
     *
     * @return their ids, oldest first
     */
    public List<UUID> claimAbandonedRuns(Set<UUID> here) {
        return claim("owner is null or lease_until < :now", here);
    }

    private List<UUID> claim(String claimable, Set<UUID> except) {
        return jdbc.sql("""
                with claimed as (
                    update ingestion_run set status = 'PENDING', finished_at = null, owner = :owner, lease_until = :leaseUntil,
                           last_error = coalesce(last_error, 'interrupted: the instance executing it stopped while the run was ' || status)
                    where status in ('RUNNING', 'PENDING') and (%s) and not (id = any(:except))
                    returning id, created_at
                )
                select id from claimed order by created_at
                """.formatted(claimable))
                .param("owner", owner.instanceId()).param("leaseUntil", leaseUntil()).param("now", now())
                .param("except", except.toArray(UUID[]::new))
                .query(UUID.class).list();
    }

    /**
     * Extends this instance's lease on the runs it has queued or executes ({@code here}).
     *
     * @return those of them that are no longer this instance's: another instance took them over while this one did not
     *         renew (a pause, a PostgreSQL outage); this instance must stop executing them
     */
    public Set<UUID> renewLeases(Set<UUID> here) {
        if (here.isEmpty()) {
            return Set.of();
        }
        UUID[] ids = here.toArray(UUID[]::new);
        jdbc.sql("update ingestion_run set lease_until = :leaseUntil where id = any(:ids) and owner = :owner "
                        + "and status in ('PENDING', 'RUNNING')")
                .param("leaseUntil", leaseUntil()).param("ids", ids).param("owner", owner.instanceId()).update();
        return new HashSet<>(jdbc.sql("select id from ingestion_run where id = any(:ids) and owner <> :owner "
                        + "and status in ('PENDING', 'RUNNING')")
                .param("ids", ids).param("owner", owner.instanceId()).query(UUID.class).list());
    }

    /**
     * A stopping instance gives up the runs it queued but never started (they stay PENDING): another instance, or
     * this one's next start, takes them at once instead of waiting for their leases to run out.
     */
    public void releaseQueued(Set<UUID> here) {
        if (here.isEmpty()) {
            return;
        }
        jdbc.sql("update ingestion_run set owner = null, lease_until = null where id = any(:ids) and owner = :owner "
                        + "and status = 'PENDING'")
                .param("ids", here.toArray(UUID[]::new)).param("owner", owner.instanceId()).update();
    }

    /** This instance as the ledger names it. */
    public RunOwner owner() {
        return owner;
    }

    /** The users of a run that could not be published, with the reason, in page order. */
    public List<FailedUser> failures(UUID runId, int limit) {
        return jdbc.sql("""
                select page_number, position, reason from ingestion_failure where run_id = :id
                order by page_number, position limit :limit
                """)
                .param("id", runId).param("limit", limit)
                .query((rs, n) -> new FailedUser(rs.getInt("page_number"), rs.getInt("position"), rs.getString("reason")))
                .list();
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private Timestamp leaseUntil() {
        return Timestamp.from(clock.instant().plus(owner.lease()));
    }

    private static IngestionRun run(ResultSet rs, int row) throws SQLException {
        String nationalities = rs.getString("nationalities");
        return new IngestionRun(
                rs.getObject("id", UUID.class),
                rs.getString("idempotency_key"),
                SourceKind.fromId(rs.getString("source")),
                rs.getInt("requested"),
                rs.getInt("batch_size"),
                rs.getString("seed"),
                nationalities == null || nationalities.isEmpty() ? List.of() : Arrays.asList(nationalities.split(",")),
                RunStatus.valueOf(rs.getString("status")),
                rs.getLong("fetched"),
                rs.getLong("published"),
                rs.getLong("failed"),
                rs.getString("last_error"),
                instant(rs, "created_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                rs.getInt("pages_done"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
