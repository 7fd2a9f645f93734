package io.userstream.store.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.userstream.store.query.StatsQueries;
import io.userstream.store.query.StatsWindow;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** User counts per window. Who may call what: {@link StoreAccess}. */
@RestController
class StatsController {

    /**
     * Counts of one dimension value over time.
     *
     * @param dimension COUNTRY or GENDER
     * @param key       the country name or the gender
     */
    record StatsView(String dimension, String key, Instant from, Instant to, List<StatsWindow> windows) {
    }

    private final StatsQueries stats;
    private final ApiProperties limits;

    StatsController(StatsQueries stats, ApiProperties limits) {
        this.stats = stats;
        this.limits = limits;
    }

    @Operation(summary = "User counts per window for a country (or a gender), windows starting in [from, to)",
            description = "Role: reader or operator.")
    @GetMapping("/api/v1/stats")
    Mono<StatsView> stats(
            @Parameter(description = "country name as the stream processor counts it, e.g. Germany") @RequestParam(required = false) String country,
            @Parameter(description = "gender instead of a country, e.g. female") @RequestParam(required = false) String gender,
            @Parameter(description = "ISO-8601 instant, default: to minus 24 h") @RequestParam(required = false) String from,
            @Parameter(description = "ISO-8601 instant, exclusive, default: now") @RequestParam(required = false) String to) {
        boolean byCountry = country != null && !country.isBlank();
        boolean byGender = gender != null && !gender.isBlank();
        if (byCountry == byGender) {
            throw new InvalidParameterException(byCountry ? "gender" : "country",
                    "give exactly one of country and gender");
        }
        Instant end = to == null ? Instant.now() : Parameters.instant("to", to);
        Instant start = from == null ? end.minus(limits.defaultStatsRange()) : Parameters.instant("from", from);
        if (!start.isBefore(end)) {
            throw new InvalidParameterException("from", "from must be before to");
        }
        if (start.plus(limits.maxStatsRange()).isBefore(end)) {
            throw new InvalidParameterException("to", "to may be at most " + limits.maxStatsRange().toDays() + " days after from");
        }
        String dimension = byCountry ? "COUNTRY" : "GENDER";
        String key = byCountry ? country.strip() : gender.strip().toLowerCase(Locale.ROOT);
        return stats.windows(dimension, key, start, end).collectList()
                .map(windows -> new StatsView(dimension, key, start, end, windows));
    }
}
