package io.crmhub.ops.failures;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * Replay of a selection ({@code ids}) or of everything a {@code filter} matches (an empty filter: everything parked).
 * {@code dryRun} reports what would be replayed and changes nothing.
 */
public record ReplayRequest(@Size(max = 1000) List<Long> ids, @Valid FailureFilter filter, Boolean dryRun,
                            @Size(max = 1000) String reason) {

    @AssertTrue(message = "give either ids or filter, not both")
    boolean isOneSelection() {
        return ids == null || filter == null;
    }

    public boolean isDryRun() {
        return Boolean.TRUE.equals(dryRun);
    }
}
