package io.crmhub.crm.finance;

import io.crmhub.crm.common.DataScope;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Sales send a customer a way to pay: a payment for what is still open on a confirmed order. */
@Tag(name = "Finance")
@RestController
class PaymentController {
    private final PaymentService payments;
    private final RefundService refunds;

    PaymentController(PaymentService payments, RefundService refunds) {
        this.payments = payments;
        this.refunds = refunds;
    }

    record RefundRequest(@NotNull(message = "is required") @DecimalMin(value = "0.01", message = "must be positive")
                         @Digits(integer = 15, fraction = 4) java.math.BigDecimal amount,
                         @Size(max = 80) String reason) {
    }

    @PostMapping("/api/payments/{id}/refunds")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Refund part or all of a payment (FINANCE). Send Idempotency-Key to make a retried request safe; the key with another body is 422.")
    RefundService.RefundView refund(@PathVariable long id, @RequestBody @Valid RefundRequest request,
                                    @RequestHeader(name = "Idempotency-Key", required = false) @Size(max = 100) String idempotencyKey) {
        return refunds.request(id, request.amount(), request.reason(), idempotencyKey);
    }

    record CreatePaymentRequest(@NotBlank(message = "is required, e.g. wechatpay") @Size(max = 32) String provider,
                                @Size(max = 127) String description) {
    }

    @PostMapping("/api/orders/{id}/payments")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a payment for the open amount of a CONFIRMED order; returns what the customer needs to pay",
            description = "WeChat Pay and Alipay answer a `qrCodeUrl` to show the customer; Stripe answers the PaymentIntent's "
                    + "`clientSecret` for Stripe.js. Asking again while it is open returns the same payment. With an "
                    + "`Idempotency-Key`, a repeat returns the payment the key created; the key with another body is 422.")
    PaymentService.CreatedPayment create(@PathVariable long id, @RequestBody @Valid CreatePaymentRequest request,
                                         @RequestHeader(name = "Idempotency-Key", required = false) @Size(max = 100) String idempotencyKey,
                                         DataScope scope) {
        return payments.create(id, request.provider(), request.description(), idempotencyKey, scope);
    }
}
