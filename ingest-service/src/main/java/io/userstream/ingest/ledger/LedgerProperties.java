package io.userstream.ingest.ledger;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the run ledger rides out a PostgreSQL outage, and how instances sharing it divide the runs.
 *
 * @param outageBudget how long a run's ledger write is retried while PostgreSQL is unreachable before
 *                     the run gives up (a run recording its pages waits, it does not lose them)
 * @param runLease     how long a run stays this instance's without a renewal (renewed every third of it while the run
 *                     is queued or executing here): once it runs out, because the instance died, another instance
 *                     sharing the ledger takes the run over and resumes it
 * @param instanceId   this instance's name in the ledger; unset: {@code <host>:<server.port>} (or {@code <host>/<pid>}
 *                     on a random port), the same after a restart, so a restarted instance resumes its own runs at once
 */
@Validated
@ConfigurationProperties("ingest.ledger")
public record LedgerProperties(
        @NotNull @DurationMin(seconds = 1) Duration outageBudget,
        @NotNull @DurationMin(seconds = 3) Duration runLease,
        String instanceId) {
}
