package io.crmhub.connector.erp.kingdee;

import io.crmhub.crm.canonical.CanonicalPayment;
import io.crmhub.crm.common.Money;
import io.crmhub.routing.ConnectorResult;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.mapping.ValueMaps;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Variable;

/**
 * Posts money that moved as a Kingdee cash bill (connector {@code erp-kingdee-payment-sink}): a receipt
 * ({@code AR_RECEIVEBILL}) or a receipt refund ({@code AR_REFUNDBILL}) numbered with our reference, so a redelivery
 * after a lost answer finds the bill with ExecuteBillQuery instead of saving a second one.
 */
public class KingdeePaymentSink {
    private final KingdeeClient client;
    private final ValueMaps maps;
    private final KingdeeProperties properties;
    private final java.time.Clock clock;

    public KingdeePaymentSink(KingdeeClient client, ValueMaps maps, KingdeeProperties properties, java.time.Clock clock) {
        this.clock = clock;
        this.client = client;
        this.maps = maps;
        this.properties = properties;
    }

    /**
     * @param customerAccount the customer's Kingdee number
     */
    public ConnectorResult post(@Body CanonicalPayment payment, @Variable("customerAccount") String customerAccount) {
        // unmapped codes fail before any call
        KingdeeRef settlement = new KingdeeRef(maps.translate("kingdee", "settlement-type", payment.provider()));
        KingdeeRef currency = new KingdeeRef(maps.translate("kingdee", "currency", payment.currency()));
        boolean receipt = payment.kind() == CanonicalPayment.Kind.RECEIPT;
        String form = receipt ? KingdeeCashBill.RECEIPT_FORM : KingdeeCashBill.REFUND_FORM;
        Object bill = receipt ? receipt(payment, customerAccount, settlement, currency) : refund(payment, customerAccount, settlement, currency);
        String existing = find(form, payment.reference()); // always asked: the ERP is the truth (a resync after a reversal posts again)
        if (existing != null) {
            return new ConnectorResult(KingdeeCustomerSink.SYSTEM, existing, ConnectorResult.Action.UPDATED);
        }
        String saved = KingdeeCustomerSink.savedNumber(client.save(form, bill));
        if (saved.isEmpty()) {
            throw new PermanentConnectorException(KingdeeClient.CONNECTOR, "Kingdee saved " + form + " " + payment.reference()
                    + " but returned no Number");
        }
        return new ConnectorResult(KingdeeCustomerSink.SYSTEM, saved, ConnectorResult.Action.CREATED);
    }

    private KingdeeCashBill.Receipt receipt(CanonicalPayment p, String customer, KingdeeRef settlement, KingdeeRef currency) {
        KingdeeRef org = new KingdeeRef(properties.orgNumber());
        return new KingdeeCashBill.Receipt(0, new KingdeeRef(properties.receiptBillType()), p.reference(), date(p),
                KingdeeCashBill.CUSTOMER_TYPE, new KingdeeRef(customer), KingdeeCashBill.CUSTOMER_TYPE, new KingdeeRef(customer),
                currency, currency, org, org, remark(p), List.of(new KingdeeCashBill.ReceiptEntry(settlement,
                new KingdeeRef(properties.receiptPurpose()), amount(p), p.orderNumber(), p.clearingReference())));
    }

    private KingdeeCashBill.Refund refund(CanonicalPayment p, String customer, KingdeeRef settlement, KingdeeRef currency) {
        KingdeeRef org = new KingdeeRef(properties.orgNumber());
        return new KingdeeCashBill.Refund(0, new KingdeeRef(properties.refundBillType()), p.reference(), date(p),
                KingdeeCashBill.CUSTOMER_TYPE, new KingdeeRef(customer), KingdeeCashBill.CUSTOMER_TYPE, new KingdeeRef(customer),
                currency, currency, org, org, remark(p), List.of(new KingdeeCashBill.RefundEntry(settlement,
                new KingdeeRef(properties.receiptPurpose()), amount(p), p.orderNumber(), p.clearingReference())));
    }

    private String find(String form, String reference) {
        var rows = client.query(form, List.of("FID", "FBillNo"), "FBillNo=" + KingdeeClient.literal(reference), "", 0, 2);
        if (rows.size() > 1) {
            throw new PermanentConnectorException(KingdeeClient.CONNECTOR, "Kingdee holds more than one " + form + " numbered "
                    + reference + "; delete the copy in Kingdee, then replay");
        }
        return rows.isEmpty() ? null : rows.get(0).get("FBillNo").asText();
    }

    private String date(CanonicalPayment p) {
        return LocalDate.ofInstant(p.occurredAt() == null ? clock.instant() : p.occurredAt(), properties.zone()).toString();
    }

    private static BigDecimal amount(CanonicalPayment p) {
        return Money.scaled(p.amount(), p.currency());
    }

    private static String remark(CanonicalPayment p) {
        return p.paymentReference() + " " + p.provider() + " " + (p.providerTransactionId() == null ? "" : p.providerTransactionId());
    }
}
