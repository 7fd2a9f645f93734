package io.userstream.ingest.run;

import io.userstream.ingest.ledger.RunLedger;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Keeps every unfinished run executing somewhere, with no person involved, when several instances share the ledger
 * (or one restarts). A run belongs to the instance that queued it for as long as that instance renews its lease
 * (every third of {@code ingest.ledger.run-lease}). At start-up, before this instance can queue anything, it claims
 * its own unfinished runs from before a restart and every released or expired one; once ready it resumes them, and
 * from then on, at each renewal, it claims the runs another instance released (stopping) or stopped renewing (it
 * died), and stops executing any of its own that another instance took over meanwhile.
 */
@Component
@DependsOnDatabaseInitialization
public class RunTakeover implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(RunTakeover.class);

    private final RunLedger ledger;
    private final IngestionService runs;
    private final ScheduledExecutorService renewals;
    private List<UUID> claimedAtStart = List.of();

    public RunTakeover(RunLedger ledger, IngestionService runs) {
        this.ledger = ledger;
        this.runs = runs;
        this.renewals = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "ingestion-run-leases"));
    }

    @Override
    public void afterPropertiesSet() {
        claimedAtStart = ledger.claimRunsAtStart();
        if (!claimedAtStart.isEmpty()) {
            log.warn("{} run(s) were interrupted by a previous stop or left by a stopped instance; resuming them once started "
                    + "(instance {}): {}", claimedAtStart.size(), ledger.owner().instanceId(), claimedAtStart);
        }
    }

    /** Scheduled only when ready: the Kafka topic exists and the producer is configured by then. */
    @EventListener(ApplicationReadyEvent.class)
    public void resumeClaimedRunsAndKeepLeases() {
        claimedAtStart.forEach(runs::resumeClaimed);
        claimedAtStart = List.of();
        long period = Math.max(1, ledger.owner().lease().toMillis() / 3);
        renewals.scheduleWithFixedDelay(this::renewAndTakeOver, period, period, TimeUnit.MILLISECONDS);
    }

    void renewAndTakeOver() {
        try {
            Set<UUID> lost = ledger.renewLeases(runs.runsHere());
            lost.forEach(runs::abandon);
            List<UUID> abandoned = ledger.claimAbandonedRuns(runs.runsHere());
            if (!abandoned.isEmpty()) {
                log.warn("Taking over {} run(s) released or abandoned by another instance (no lease renewal for {}): {}",
                        abandoned.size(), ledger.owner().lease(), abandoned);
                abandoned.forEach(runs::resumeClaimed);
            }
        } catch (RuntimeException e) {
            // PostgreSQL unreachable, say: the runs here keep executing (their ledger writes wait out the outage).
            log.warn("Could not renew this instance's run leases or look for abandoned runs: {}", e.toString());
        }
    }

    /** Before the runs stop (IngestionService): a run released by the stop must not be claimed back by this instance. */
    @EventListener(ContextClosedEvent.class)
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public void stopRenewing() throws InterruptedException {
        renewals.shutdownNow();
        renewals.awaitTermination(10, TimeUnit.SECONDS);
    }

}
