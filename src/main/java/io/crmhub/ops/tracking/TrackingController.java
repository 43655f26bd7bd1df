package io.crmhub.ops.tracking;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Message tracking for integration engineers (ENGINEER role). */
@Validated
@RestController
@RequestMapping("/api/ops/messages")
@Tag(name = "Operations: message tracking")
class TrackingController {
    private final MessageTracking tracking;

    TrackingController(MessageTracking tracking) {
        this.tracking = tracking;
    }

    @GetMapping
    @Operation(summary = "Messages for a correlation id, event id, entity (CUSTOMER:12), reference (CRM-C-12), "
            + "order number or external id, each with its hops, times and outcomes")
    MessageTracking.TrackingResult find(@RequestParam @NotBlank @Size(max = 128) String key) {
        return tracking.track(key);
    }
}
