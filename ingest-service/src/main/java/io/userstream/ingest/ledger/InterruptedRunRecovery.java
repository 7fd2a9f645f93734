package io.userstream.ingest.ledger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.stereotype.Component;

/**
 * At start-up, before any run can start, marks runs that a previous process left RUNNING or PENDING
 * as FAILED ("interrupted"), so they show the truth and can be resumed. Assumes one instance per
 * ledger database (see docs/operations.md).
 */
@Component
@DependsOnDatabaseInitialization
public class InterruptedRunRecovery implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(InterruptedRunRecovery.class);

    private final RunLedger ledger;

    public InterruptedRunRecovery(RunLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void afterPropertiesSet() {
        int interrupted = ledger.failInterruptedRuns();
        if (interrupted > 0) {
            log.warn("{} run(s) were interrupted by a previous stop; marked FAILED, resume them with POST /api/v1/ingestions/{id}/resume",
                    interrupted);
        }
    }
}
