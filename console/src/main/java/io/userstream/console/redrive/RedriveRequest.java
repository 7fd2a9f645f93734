package io.userstream.console.redrive;

import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * What to re-drive: exactly one of {@code ids} (dead-letter ids), {@code runId} (every dead letter of a run) or
 * {@code reason} (every dead letter with that reason). Who asks is not part of it: the audit records the
 * authenticated caller (a {@code by} field, as clients sent before, is ignored).
 *
 * @param corrections corrected data for a single dead letter ({@code ids} of one): field path (e.g. {@code email},
 *                    {@code location.coordinates.latitude}, {@code registered.date}) to its new value as text
 */
public record RedriveRequest(@Size(max = 10_000) List<String> ids, String runId, String reason,
                             @Size(max = 50) Map<String, String> corrections) {

    public RedriveRequest(List<String> ids, String runId, String reason) {
        this(ids, runId, reason, null);
    }

    boolean corrects() {
        return corrections != null && !corrections.isEmpty();
    }

    int selectors() {
        return (ids != null && !ids.isEmpty() ? 1 : 0) + (runId != null && !runId.isBlank() ? 1 : 0)
                + (reason != null && !reason.isBlank() ? 1 : 0);
    }
}
