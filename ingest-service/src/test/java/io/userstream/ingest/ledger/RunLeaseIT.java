package io.userstream.ingest.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.userstream.ingest.fetch.SourceKind;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.test.LocalServers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two instances sharing one ledger on the real PostgreSQL, as two {@link RunLedger}s with their own names and a clock
 * the test moves: a run is its instance's while the lease holds, is taken over once it runs out, and the instance that
 * lost it can no longer change it. The service's own instance renews hourly here, so it never claims the test's runs.
 * The tests share the ledger: each checks its own runs only (another test's may be claimed alongside).
 */
@LocalServers({ServerKind.KAFKA, ServerKind.REGISTRY, ServerKind.POSTGRES})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "userstream.topics.users-created=users_created_run_lease_it",
        "ingest.ledger.run-lease=1h",
        "spring.flyway.schemas=" + RunLeaseIT.SCHEMA,
        "spring.flyway.default-schema=" + RunLeaseIT.SCHEMA,
        "spring.datasource.hikari.schema=" + RunLeaseIT.SCHEMA})
class RunLeaseIT {

    static final String SCHEMA = "ingest_run_lease_it";
    private static final Duration LEASE = Duration.ofSeconds(30);

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    /** Ahead of the real time, so the service's own instance sees every lease of this test as live. */
    private Instant now = Instant.now().plus(2, ChronoUnit.HOURS);
    private RunLedger a;
    private RunLedger b;

    @BeforeEach
    void twoInstances() {
        advance(Duration.ZERO);
    }

    /** Both instances' clocks move on together. */
    private void advance(Duration by) {
        now = now.plus(by);
        a = instance("instance-a");
        b = instance("instance-b");
    }

    private RunLedger instance(String name) {
        return new RunLedger(jdbc, transactions, Clock.fixed(now, ZoneOffset.UTC), new RunOwner(name, LEASE));
    }

    @Test
    void aRunIsItsInstancesWhileTheLeaseHoldsAndTakenOverOnceItRunsOut() {
        UUID run = newRun(a);
        assertThat(a.markRunning(run, Set.of(RunStatus.PENDING))).isTrue();

        advance(LEASE.minusSeconds(1));
        assertThat(b.claimAbandonedRuns(Set.of())).as("claimed while a's lease holds").doesNotContain(run);
        assertThat(a.renewLeases(Set.of(run))).as("a renews: nothing lost").isEmpty();
        advance(LEASE.minusSeconds(1));
        assertThat(b.claimAbandonedRuns(Set.of())).as("claimed after a renewed").doesNotContain(run);

        advance(LEASE.plusSeconds(1)); // a stopped renewing: it died
        assertThat(b.claimAbandonedRuns(Set.of())).contains(run);
        assertThat(owner(run)).isEqualTo("instance-b");
        assertThat(a.find(run).orElseThrow().status()).isEqualTo(RunStatus.PENDING);
        assertThat(a.find(run).orElseThrow().lastError()).contains("the instance executing it stopped while the run was RUNNING");
        assertThat(b.markRunning(run, Set.of(RunStatus.PENDING))).isTrue();
    }

    @Test
    void theInstanceThatLostARunLearnsItAtItsNextRenewalAndCanNoLongerChangeIt() {
        UUID run = newRun(a);
        a.markRunning(run, Set.of(RunStatus.PENDING));
        advance(LEASE.plusSeconds(1)); // a paused longer than its lease
        assertThat(b.claimAbandonedRuns(Set.of())).contains(run);
        b.markRunning(run, Set.of(RunStatus.PENDING));

        assertThat(a.renewLeases(Set.of(run))).containsExactly(run);
        a.markFailed(run, "a's late failure");
        a.markInterrupted(run, "a's late stop");
        assertThat(a.markRunning(run, Set.of(RunStatus.PENDING, RunStatus.RUNNING))).isFalse();

        IngestionRun now = b.find(run).orElseThrow();
        assertThat(now.status()).isEqualTo(RunStatus.RUNNING);
        assertThat(now.lastError()).doesNotContain("a's late");
        assertThat(owner(run)).isEqualTo("instance-b");
    }

    @Test
    void aRunReleasedByAStoppingInstanceIsClaimedAtOnce() {
        UUID run = newRun(a);
        a.markRunning(run, Set.of(RunStatus.PENDING));

        a.markInterrupted(run, "interrupted: instance-a is stopping");

        assertThat(owner(run)).isNull();
        assertThat(b.claimAbandonedRuns(Set.of())).contains(run);
        assertThat(b.find(run).orElseThrow().lastError()).isEqualTo("interrupted: instance-a is stopping");
    }

    @Test
    void runsAStoppingInstanceQueuedButNeverStartedAreReleasedAndClaimedAtOnce() {
        UUID queued = newRun(a);
        UUID executing = newRun(a);
        a.markRunning(executing, Set.of(RunStatus.PENDING));

        a.releaseQueued(Set.of(queued, executing));

        assertThat(owner(queued)).isNull();
        assertThat(owner(executing)).as("released by its own interruption, not here").isEqualTo("instance-a");
        assertThat(b.claimAbandonedRuns(Set.of())).contains(queued).doesNotContain(executing);
    }

    @Test
    void anInstanceRestartedUnderItsNameTakesBackItsOwnRunsAtOnceButNotAnotherInstancesLiveOnes() {
        UUID mine = newRun(a);
        a.markRunning(mine, Set.of(RunStatus.PENDING)); // then instance-a was killed: RUNNING, lease still live
        UUID theirs = newRun(b);

        RunLedger restarted = instance("instance-a");
        List<UUID> claimed = restarted.claimRunsAtStart();

        assertThat(claimed).contains(mine).doesNotContain(theirs);
        assertThat(restarted.find(mine).orElseThrow().status()).isEqualTo(RunStatus.PENDING);
        assertThat(owner(theirs)).isEqualTo("instance-b");
    }

    @Test
    void whileRunningAnInstanceDoesNotClaimTheRunsItHasQueuedOrExecutesAgain() {
        UUID queued = newRun(a);
        advance(LEASE.plusSeconds(1)); // its lease ran out during a PostgreSQL outage, say

        assertThat(a.claimAbandonedRuns(Set.of(queued))).doesNotContain(queued);
        assertThat(a.renewLeases(Set.of(queued))).isEmpty();
        assertThat(b.claimAbandonedRuns(Set.of())).as("renewed again").doesNotContain(queued);
    }

    @Test
    void runsRecordedBeforeLeasesExistedBelongToWhoeverClaimsThemFirst() {
        UUID old = newRun(a);
        jdbc.sql("update ingestion_run set owner = null, lease_until = null, status = 'RUNNING' where id = :id").param("id", old).update();

        assertThat(b.claimRunsAtStart()).contains(old);
        assertThat(a.claimAbandonedRuns(Set.of())).doesNotContain(old);
        assertThat(owner(old)).isEqualTo("instance-b");
    }

    private UUID newRun(RunLedger ledger) {
        return ledger.create(new NewRun(SourceKind.FAKER, 100, 50, "lease-" + UUID.randomUUID(), List.of(), null, null)).run().id();
    }

    private String owner(UUID run) {
        return jdbc.sql("select owner from ingestion_run where id = :id").param("id", run).query((row, n) -> row.getString(1)).list().get(0);
    }
}
