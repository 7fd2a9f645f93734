package io.userstream.ingest.api;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/** Body of POST /api/v1/ingestions. */
public record IngestionRequest(
        @Schema(description = "Where users come from", allowableValues = {"randomuser", "faker"}, example = "randomuser")
        @NotNull @Pattern(regexp = "randomuser|faker", message = "must be randomuser or faker") String source,
        @Schema(description = "Users to ingest", example = "5000")
        @NotNull @Min(1) @Max(1_000_000) Integer count,
        @Schema(description = "Users per page (randomuser.me allows at most 5,000 per request); default from ingest.runs.default-batch-size")
        @Min(1) @Max(5_000) Integer batchSize,
        @Schema(description = "Seed that makes the run reproducible; random when absent", example = "userstream")
        @Pattern(regexp = "[A-Za-z0-9_-]{1,64}", message = "must be 1 to 64 letters, digits, - or _") String seed,
        @Schema(description = "ISO 3166-1 alpha-2 nationality codes randomuser.me 1.4 supports (AU, BR, CA, CH, DE, DK, ES, FI, FR, GB, IE, IN, IR, MX, NL, NO, NZ, RS, TR, UA, US), any case; all when absent; another code is 400")
        @Size(max = 30) List<@NotNull @Pattern(regexp = "[A-Za-z]{2}", message = "must be a two-letter nationality code") String> nationalities) {
}
