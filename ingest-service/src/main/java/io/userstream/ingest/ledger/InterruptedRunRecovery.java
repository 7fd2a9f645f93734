package io.userstream.ingest.ledger;

import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Resumes the runs a previous process left unfinished. At start-up, before this instance can start any
 * run, runs left RUNNING (the process was killed) or PENDING (stopped, or not started yet) are set
 * PENDING; once the application is ready they are scheduled again and continue with the pages not yet
 * recorded done. Assumes one instance per ledger database (see docs/operations.md): another live
 * instance's runs would be taken over.
 */
@Component
@DependsOnDatabaseInitialization
public class InterruptedRunRecovery implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(InterruptedRunRecovery.class);

    private final RunLedger ledger;
    private final InterruptedRunResumer resumer;
    private List<UUID> interrupted = List.of();

    /** {@code resume} schedules a PENDING run (the run service's). */
    public InterruptedRunRecovery(RunLedger ledger, InterruptedRunResumer resumer) {
        this.ledger = ledger;
        this.resumer = resumer;
    }

    @Override
    public void afterPropertiesSet() {
        interrupted = ledger.requeueInterruptedRuns();
        if (!interrupted.isEmpty()) {
            log.warn("{} run(s) were interrupted by a previous stop; resuming them once started: {}",
                    interrupted.size(), interrupted);
        }
    }

    /** Scheduled only when ready: the Kafka topic exists and the producer is configured by then. */
    @EventListener(ApplicationReadyEvent.class)
    public void resumeInterruptedRuns() {
        interrupted.forEach(resumer::resumeInterrupted);
        interrupted = List.of();
    }

    /** Schedules a run left PENDING by {@link RunLedger#requeueInterruptedRuns()}. */
    public interface InterruptedRunResumer {
        void resumeInterrupted(UUID runId);
    }
}
