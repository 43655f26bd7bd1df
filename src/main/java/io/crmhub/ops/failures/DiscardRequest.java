package io.crmhub.ops.failures;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Discarding a parked message needs a reason: it ends up in the audit log. */
public record DiscardRequest(@NotBlank(message = "is required: say why the message is discarded") @Size(max = 1000) String reason) {
}
