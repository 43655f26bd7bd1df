package io.crmhub.ops.failures;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A relink drops a link to an external record: why goes to the audit log. */
public record RelinkRequest(@NotBlank(message = "is required: say why the link is dropped") @Size(max = 1000) String reason) {
}
