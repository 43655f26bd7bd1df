package io.crmhub.crm.finance;

import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Finance's review queue: what needs a decision, and the actions that settle it (FINANCE, ENGINEER; each audited). */
@Tag(name = "Finance")
@RestController
@RequestMapping("/api/finance/reviews")
@org.springframework.validation.annotation.Validated
class ReviewController {
    private final FinanceReviews reviews;
    private final ReviewActions actions;

    ReviewController(FinanceReviews reviews, ReviewActions actions) {
        this.reviews = reviews;
        this.actions = actions;
    }

    record Decision(@NotBlank(message = "is required: say why") @Size(max = 300) String reason) {
    }

    record Allocation(@Positive Long orderId, @NotBlank(message = "is required: say why") @Size(max = 300) String reason) {
    }

    @GetMapping
    @Operation(summary = "What needs a finance decision: over-payments, payments in another currency than their order's, refunds "
            + "made in a provider's console, payments for unknown orders; each with the actions it takes")
    PageView<FinanceReviews.ReviewView> list(@RequestParam(required = false) @Pattern(regexp = "OPEN|RESOLVED|DISMISSED",
            message = "must be OPEN, RESOLVED or DISMISSED") String status,
                                             @RequestParam(required = false) @Pattern(regexp = "OVER_PAYMENT|CURRENCY_MISMATCH|PROVIDER_REFUND|UNKNOWN_ORDER|RECONCILIATION",
                                                     message = "must be OVER_PAYMENT, CURRENCY_MISMATCH, PROVIDER_REFUND, UNKNOWN_ORDER or RECONCILIATION") String kind,
                                             @Valid PageRequest page) {
        return reviews.page(status, kind, page);
    }

    @GetMapping("/{id}")
    @Operation(summary = "One review")
    FinanceReviews.ReviewView get(@PathVariable long id) {
        return reviews.get(id);
    }

    @PostMapping("/{id}/refund")
    @Operation(summary = "Refund the over-payment's excess (or a payment in another currency) through the provider; repeated, it refunds once")
    FinanceReviews.ReviewView refund(@PathVariable long id, @RequestBody @Valid Decision decision) {
        return actions.refund(id, decision.reason());
    }

    @PostMapping("/{id}/credit")
    @Operation(summary = "Keep the over-payment's excess as the customer's credit")
    FinanceReviews.ReviewView credit(@PathVariable long id, @RequestBody @Valid Decision decision) {
        return actions.credit(id, decision.reason());
    }

    @PostMapping("/{id}/allocate")
    @Operation(summary = "Allocate the excess to another open order of the same customer, or an unknown order's payment to an order")
    FinanceReviews.ReviewView allocate(@PathVariable long id, @RequestBody @Valid Allocation allocation) {
        return actions.allocate(id, allocation.orderId(), allocation.reason());
    }

    @PostMapping("/{id}/accept")
    @Operation(summary = "Let the payment stand as it is (an over-payment kept on its order; a console refund acknowledged)")
    FinanceReviews.ReviewView accept(@PathVariable long id, @RequestBody @Valid Decision decision) {
        return actions.accept(id, decision.reason());
    }

    @PostMapping("/{id}/resync")
    @Operation(summary = "Repair a reconciliation difference where the hub can: post a missing ERP posting again, or record a payment "
            + "the provider's statement lists and its status query confirms")
    FinanceReviews.ReviewView resync(@PathVariable long id, @RequestBody @Valid Decision decision) {
        return actions.resync(id, decision.reason());
    }

    @PostMapping("/{id}/dismiss")
    @Operation(summary = "Close the review with a reason; nothing else changes")
    FinanceReviews.ReviewView dismiss(@PathVariable long id, @RequestBody @Valid Decision decision) {
        return actions.dismiss(id, decision.reason());
    }
}
