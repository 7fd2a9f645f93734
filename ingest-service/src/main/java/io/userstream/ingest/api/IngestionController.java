package io.userstream.ingest.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.userstream.ingest.fetch.SourceKind;
import io.userstream.ingest.ledger.FailedUser;
import io.userstream.ingest.run.IngestionService;
import io.userstream.ingest.run.StartRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Ingestion runs. The ledger is blocking JDBC, so every call runs on the bounded-elastic scheduler. Who may
 * call what: {@link IngestionAccess}.
 */
@RestController
@RequestMapping("/api/v1/ingestions")
class IngestionController {

    private final IngestionService ingestions;

    IngestionController(IngestionService ingestions) {
        this.ingestions = ingestions;
    }

    @Operation(summary = "Start a run (202), or return the run already started with the same Idempotency-Key (200)",
            description = "Role: operator.",
            responses = {
                    @ApiResponse(responseCode = "202", description = "Run created; Location names it"),
                    @ApiResponse(responseCode = "200", description = "The run already started with this Idempotency-Key and this same request"),
                    @ApiResponse(responseCode = "400", description = "Invalid request, naming the field; an unsupported nationality is named with the supported ones listed",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "422", description = "The Idempotency-Key was already used with a different request; the problem names the key and its run",
                            content = @Content(mediaType = "application/problem+json"))})
    @PostMapping
    Mono<ResponseEntity<RunView>> start(
            @Valid @RequestBody IngestionRequest request,
            @Parameter(description = "Client key: a repeated request with the same key returns the first run; the key with a different request is 422")
            @RequestHeader(name = "Idempotency-Key", required = false) @Size(min = 1, max = 200) String idempotencyKey) {
        return blocking(() -> {
            IngestionService.Started started = ingestions.start(new StartRequest(SourceKind.fromId(request.source()),
                    request.count(), request.batchSize(), request.seed(), request.nationalities(), idempotencyKey));
            RunView run = RunView.of(started.run());
            return ResponseEntity.status(started.isNew() ? HttpStatus.ACCEPTED : HttpStatus.OK)
                    .location(URI.create("/api/v1/ingestions/" + run.id()))
                    .body(run);
        });
    }

    @Operation(summary = "A run's status and counts", description = "Role: reader or operator.")
    @GetMapping("/{id}")
    Mono<RunView> get(@PathVariable UUID id) {
        return blocking(() -> RunView.of(ingestions.find(id)));
    }

    @Operation(summary = "Most recent runs first", description = "Role: reader or operator.")
    @GetMapping
    Mono<List<RunView>> recent(@RequestParam(defaultValue = "20") @Min(1) @Max(500) int limit) {
        return blocking(() -> ingestions.recent(limit).stream().map(RunView::of).toList());
    }

    @Operation(summary = "Users of a run that could not be published (unusable shape), with the reason",
            description = "Role: operator (the users' data is in it).")
    @GetMapping("/{id}/failures")
    Mono<List<FailedUser>> failures(@PathVariable UUID id,
                                    @RequestParam(defaultValue = "100") @Min(1) @Max(10_000) int limit) {
        return blocking(() -> ingestions.failures(id, limit));
    }

    @Operation(summary = "Resume a FAILED run: only pages not yet acknowledged are fetched and published again",
            description = "Role: operator.",
            responses = {
                    @ApiResponse(responseCode = "202", description = "Run scheduled again (PENDING)"),
                    @ApiResponse(responseCode = "404", description = "No such run", content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "409", description = "The run is not FAILED", content = @Content(mediaType = "application/problem+json"))})
    @PostMapping("/{id}/resume")
    Mono<ResponseEntity<RunView>> resume(@PathVariable UUID id) {
        return blocking(() -> ResponseEntity.accepted()
                .location(URI.create("/api/v1/ingestions/" + id))
                .body(RunView.of(ingestions.resume(id))));
    }

    private static <T> Mono<T> blocking(Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }
}
