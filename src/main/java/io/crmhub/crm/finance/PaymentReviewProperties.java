package io.crmhub.crm.finance;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crmhub.payments.review.*}: the finance rule for a received payment flagged for review (over-payment, another
 * currency than the order's). {@code post} (default): it is posted to the ERP like any receipt, because the money did
 * arrive and the ERP is the book of record (its bank reconciliation will see the cash either way). {@code hold}: it is
 * not posted until finance releases it with a reconciliation resync ({@code POST /api/finance/reconciliation/resync}
 * {@code {"entity":"PAYMENT","id":…}}); meanwhile reconciliation lists it as {@code HELD_FOR_REVIEW}.
 */
@Validated
@ConfigurationProperties("crmhub.payments.review")
public record PaymentReviewProperties(@NotNull @DefaultValue("post") Posting posting) {

    public enum Posting { POST, HOLD }

    public boolean holds() {
        return posting == Posting.HOLD;
    }
}
