package io.userstream.ingest.ledger;

import io.userstream.ingest.Durations;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Runs a ledger call of a run again while PostgreSQL is unreachable, for up to the outage budget: a
 * restarting database costs a run time, not its state. Only connection-level failures ({@link #isOutage})
 * are retried; the calls retried are idempotent (see {@link RunLedger}).
 */
@Component
public class LedgerRetry {

    private static final Logger log = LoggerFactory.getLogger(LedgerRetry.class);

    private final RetryPolicy policy;
    private final RetryTemplate retries;
    private final String budget;

    public LedgerRetry(LedgerProperties properties) {
        this.budget = Durations.format(properties.outageBudget());
        this.policy = RetryPolicy.builder()
                .predicate(LedgerRetry::isOutage)
                .maxRetries(Long.MAX_VALUE)
                .timeout(properties.outageBudget())
                .delay(Duration.ofMillis(200))
                .multiplier(2)
                .maxDelay(Duration.ofSeconds(5))
                .build();
        this.retries = new RetryTemplate(policy);
        this.retries.setRetryListener(new RetryListener() {
            @Override
            public void beforeRetry(RetryPolicy policy, Retryable<?> retryable) {
                log.debug("Retrying ledger call {}", retryable.getName());
            }

            @Override
            public void onRetryFailure(RetryPolicy policy, Retryable<?> retryable, Throwable failure) {
                log.warn("Ledger call {} failed, retrying within the outage budget of {}: {}", retryable.getName(),
                        budget, failure.toString());
            }
        });
    }

    /** The result of {@code call}, retried on connection failures for up to the outage budget. */
    public <T> T call(String what, Supplier<T> call) {
        try {
            return retries.execute(new Retryable<>() {
                @Override
                public T execute() {
                    return call.get();
                }

                @Override
                public String getName() {
                    return what;
                }
            });
        } catch (RetryException e) {
            Throwable last = e.getLastException() != null ? e.getLastException() : e.getCause();
            if (last instanceof RuntimeException unretried && !policy.shouldRetry(unretried)) {
                throw unretried; // not a connection failure: as it was thrown
            }
            throw new LedgerUnavailableException("the ledger (PostgreSQL) did not answer " + what
                    + " within the outage budget of " + budget + " (ingest.ledger.outage-budget): " + last, last);
        }
    }

    /**
     * True for a failure of the connection to PostgreSQL (refused, broken, server shutting down) as
     * opposed to a failing statement: anywhere in the cause chain, since a broken connection may surface
     * as a failed rollback.
     */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
                    || t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
                    || t instanceof TransactionSystemException
                    || t instanceof SQLTransientConnectionException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException || t instanceof ConnectException) {
                return true;
            }
            // 08: connection exception; 57P: the server is shutting down or restarting.
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    public void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }
}
