package io.userstream.store.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.userstream.store.query.DeadLetterQueries;
import io.userstream.store.query.DeadLettersPage;
import io.userstream.store.query.DeliveryQueries;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Per-run delivery accounting: what ingest published should end up stored or dead-lettered. Who may call
 * what: {@link StoreAccess}.
 */
@RestController
@RequestMapping("/api/v1/ingestions/{runId}")
class DeliveryController {

    /**
     * @param stored       distinct users of the run stored so far (0 for a run never seen)
     * @param deadLettered distinct records of the run dead-lettered so far, by any service (0 for none)
     * @param erased       distinct users of the run erased (DELETE /api/v1/users/{id}): no longer, or never,
     *                     stored; what ingest published = stored + deadLettered + erased
     */
    record DeliveryView(UUID runId, long stored, long deadLettered, long erased) {
    }

    private final DeliveryQueries deliveries;
    private final DeadLetterQueries deadLetters;
    private final ApiProperties limits;

    DeliveryController(DeliveryQueries deliveries, DeadLetterQueries deadLetters, ApiProperties limits) {
        this.deliveries = deliveries;
        this.deadLetters = deadLetters;
        this.limits = limits;
    }

    @Operation(summary = "How many users of an ingestion run are stored, how many dead-lettered and how many erased; "
            + "compare stored + deadLettered + erased with what ingest published", description = "Role: reader or operator.")
    @GetMapping("/delivery")
    Mono<DeliveryView> delivery(@PathVariable String runId) {
        UUID run = Parameters.uuid("runId", runId);
        return Mono.zip(deliveries.storedUsers(run), deliveries.deadLetters(run), deliveries.erasedUsers(run))
                .map(counts -> new DeliveryView(run, counts.getT1(), counts.getT2(), counts.getT3()));
    }

    @Operation(summary = "The dead letters of an ingestion run (why and where each record failed), one page at a time",
            description = "One item per dead-lettered record, identified by its origin (source topic, partition, offset where it "
                    + "was first read). A record re-driven from the dead-letter topic that fails again updates its item (reason, "
                    + "error, failedAt, redriveCount = times re-driven); one that is then stored leaves the listing and counts as "
                    + "stored in /delivery. Role: operator (an error can quote the user's data).")
    @GetMapping("/dead-letters")
    Mono<DeadLettersPage> deadLetters(
            @PathVariable String runId,
            @Parameter(description = "dead letters per page, 1 to 500, default 50") @RequestParam(required = false) String limit,
            @Parameter(description = "nextPageToken of the previous page") @RequestParam(required = false) String pageToken) {
        UUID run = Parameters.uuid("runId", runId);
        int pageSize = limit == null ? limits.defaultLimit() : Parameters.integer("limit", limit, 1, limits.maxLimit());
        String token = pageToken == null || pageToken.isEmpty() ? null : pageToken;
        return Mono.defer(() -> deadLetters.byRun(run, pageSize, token));
    }
}
