package io.userstream.console.redrive;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Re-drive over REST (the page uses the same), and its audit log. */
@RestController
class RedriveController {

    private final Redriver redriver;
    private final RedriveAuditLog audit;

    RedriveController(Redriver redriver, RedriveAuditLog audit) {
        this.redriver = redriver;
        this.audit = audit;
    }

    /** 202: the records are on users_created; whether each passes shows in the dead letters' status. */
    @Operation(summary = "Re-drive dead letters: back to users_created, through validation and normalization again (role operator)",
            description = "Give exactly one of ids, runId or reason; corrections (field path to new value) only with one id. "
                    + "Safe to repeat: a dead letter already resolved or under way is skipped with the reason. The records and "
                    + "the audit record commit in one Kafka transaction per 500. Who re-drove is the authenticated caller "
                    + "(the HTTP Basic user, or the JWT's subject), kept as the audit record's by and each record's redrive.by "
                    + "header; a by field in the request is ignored.",
            responses = {
                    @ApiResponse(responseCode = "202", description = "Sent; the answer lists each dead letter sent (with its new offset) or skipped (with why)"),
                    @ApiResponse(responseCode = "400", description = "No or several selectors, corrections for more than one, or a correction that does not fit the schema",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "401", description = "No credentials, or not accepted",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "403", description = "The caller is not an operator",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "503", description = "Kafka did not answer; nothing was re-driven",
                            content = @Content(mediaType = "application/problem+json"))})
    @PostMapping("/api/v1/dead-letters/redrive")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Redrive> redrive(@Valid @RequestBody RedriveRequest request, Authentication caller) {
        String by = caller.getName();
        return Mono.fromCallable(() -> redriver.redrive(request, by)).subscribeOn(Schedulers.boundedElastic());
    }

    @Operation(summary = "The re-drive audit, newest first: who (the authenticated caller), when, what was asked, what was sent and skipped (role operator)")
    @GetMapping("/api/v1/redrives")
    List<Redrive> recent(@RequestParam(defaultValue = "50") int limit) {
        return audit.recent(Math.max(1, Math.min(limit, 1000)));
    }
}
