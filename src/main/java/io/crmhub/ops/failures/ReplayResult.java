package io.crmhub.ops.failures;

import java.util.List;

/** What a replay did (or, on a dry run, would do): the messages sent back to their flows and those left alone. */
public record ReplayResult(boolean dryRun, int matched, int replayed, List<Item> items, List<Skipped> skipped, boolean truncated) {
    public record Item(long id, String flow, String entityKey, String reason) {
    }

    public record Skipped(long id, String why) {
    }
}
