package io.userstream.store.api;

import io.swagger.v3.oas.annotations.Operation;
import io.userstream.store.query.DeliveryQueries;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class DeliveryController {

    /** @param stored distinct users of the run stored so far (0 for a run never seen) */
    record DeliveryView(UUID runId, long stored) {
    }

    private final DeliveryQueries deliveries;

    DeliveryController(DeliveryQueries deliveries) {
        this.deliveries = deliveries;
    }

    @Operation(summary = "How many users of an ingestion run are stored; compare with what ingest published")
    @GetMapping("/api/v1/ingestions/{runId}/delivery")
    Mono<DeliveryView> delivery(@PathVariable String runId) {
        UUID run = Parameters.uuid("runId", runId);
        return deliveries.storedUsers(run).map(stored -> new DeliveryView(run, stored));
    }
}
