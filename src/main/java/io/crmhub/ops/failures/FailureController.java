package io.crmhub.ops.failures;

import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Parked messages for integration engineers (ENGINEER role, see SecurityConfiguration): look, replay, discard. */
@Validated
@RestController
@RequestMapping("/api/ops/failures")
@Tag(name = "Operations: failures", description = "Parked messages, replay and discard (ENGINEER)")
class FailureController {
    private final Failures failures;
    private final ParkedMessageReplayer replayer;
    private final ParkedMessageRelinker relinker;

    FailureController(Failures failures, ParkedMessageReplayer replayer, ParkedMessageRelinker relinker) {
        this.failures = failures;
        this.replayer = replayer;
        this.relinker = relinker;
    }

    @GetMapping
    @Operation(summary = "Parked messages matching a filter (flow, connector, reason text, entity e.g. CUSTOMER:12, "
            + "correlationId, status PARKED|REPLAYED|RESOLVED|DISCARDED|ALL, olderThan/newerThan as ISO durations)")
    PageView<ParkedMessageView> list(@Valid FailureFilter filter, @Valid PageRequest page) {
        validateStatus(filter);
        return failures.list(filter, page);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One parked message with its payload and headers (phones and ID numbers masked)")
    ParkedMessageView detail(@PathVariable long id) {
        return failures.detail(id);
    }

    @PostMapping("/{id}/replay")
    @Operation(summary = "Send one parked message back to its flow (value maps are re-read first)")
    ReplayResult replayOne(@PathVariable long id, @RequestParam(defaultValue = "false") boolean dryRun,
                           @RequestBody(required = false) @Valid ReplayNote body) {
        return replayer.replayOne(id, dryRun, body == null ? null : body.reason());
    }

    @PostMapping("/replay")
    @Operation(summary = "Replay a selection (ids) or everything a filter matches; dryRun reports and changes nothing")
    ReplayResult replay(@RequestBody @Valid ReplayRequest request) {
        if (request.filter() != null) {
            validateStatus(request.filter());
        }
        return replayer.replay(request);
    }

    @PostMapping("/{id}/discard")
    @Operation(summary = "Give up on a parked message, with a reason (audited)")
    ParkedMessageView discard(@PathVariable long id, @RequestBody @Valid DiscardRequest request) {
        replayer.discard(id, request.reason());
        return failures.detail(id);
    }

    @PostMapping("/{id}/relink")
    @Operation(summary = "For a message parked because its linked external record is not ours: drop the link and send "
            + "the entity's current state again, which finds the record carrying our reference or creates one (audited)")
    ParkedMessageRelinker.RelinkResult relink(@PathVariable long id, @RequestBody @Valid RelinkRequest request) {
        return relinker.relink(id, request.reason());
    }

    /** Optional body of a single replay: why (goes to the audit log). */
    record ReplayNote(@jakarta.validation.constraints.Size(max = 1000) String reason) {
    }

    private static void validateStatus(FailureFilter filter) {
        if (!FailureFilter.STATUSES.contains(filter.statusOrDefault())) {
            throw new io.crmhub.crm.common.InvalidFieldException("status", "must be one of " + FailureFilter.STATUSES);
        }
    }
}
