package io.userstream.ingest.ledger;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the run ledger rides out a PostgreSQL outage.
 *
 * @param outageBudget how long a run's ledger write is retried while PostgreSQL is unreachable before
 *                     the run gives up (a run recording its pages waits, it does not lose them)
 */
@Validated
@ConfigurationProperties("ingest.ledger")
public record LedgerProperties(@NotNull @DurationMin(seconds = 1) Duration outageBudget) {
}
