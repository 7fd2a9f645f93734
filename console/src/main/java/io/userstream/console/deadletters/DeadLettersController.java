package io.userstream.console.deadletters;

import io.userstream.console.api.InvalidRequestException;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Dead letters: grouped by reason and stage, and listed. */
@RestController
@RequestMapping("/api/v1/dead-letters")
class DeadLettersController {

    private static final int MAX_LIMIT = 1000;

    private final DeadLetterIndex index;

    DeadLettersController(DeadLetterIndex index) {
        this.index = index;
    }

    @GetMapping("/summary")
    DeadLetterIndex.Summary summary() {
        return index.summary();
    }

    @GetMapping
    List<DeadLetter> list(@RequestParam(required = false) String reason,
                          @RequestParam(required = false) String runId,
                          @RequestParam(required = false) DeadLetter.Status status,
                          @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidRequestException("limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        return index.find(reason, runId, status, limit);
    }
}
