package io.crmhub.crm.order;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Reassigning customers and orders to another SALES user or team (ENGINEER; SecurityConfiguration), audited. */
@Tag(name = "Data scopes")
@Validated
@RestController
class OwnerController {
    private final Reassignment reassignment;

    OwnerController(Reassignment reassignment) {
        this.reassignment = reassignment;
    }

    record CustomerOwnerRequest(@NotBlank(message = "is required: a SALES user or team:<name>") @Size(max = 100) String owner,
                                @NotBlank(message = "is required: say why the owner changes") @Size(max = 1000) String reason,
                                @Schema(description = "Whether the customer's orders of its previous owner follow it (default true)")
                                Boolean withOrders) {
    }

    record OrderOwnerRequest(@NotBlank(message = "is required: a SALES user or team:<name>") @Size(max = 100) String owner,
                             @NotBlank(message = "is required: say why the owner changes") @Size(max = 1000) String reason) {
    }

    @PutMapping("/api/customers/{id}/owner")
    @Operation(summary = "Give a customer another owner (ENGINEER), with its orders of the previous owner unless withOrders is false; audited")
    Reassignment.OwnerChange customer(@PathVariable long id, @Valid @RequestBody CustomerOwnerRequest request) {
        return reassignment.customer(id, request.owner(), request.reason(), request.withOrders() == null || request.withOrders());
    }

    @PutMapping("/api/orders/{id}/owner")
    @Operation(summary = "Give one order another owner (ENGINEER); audited")
    Reassignment.OwnerChange order(@PathVariable long id, @Valid @RequestBody OrderOwnerRequest request) {
        return reassignment.order(id, request.owner(), request.reason());
    }
}
