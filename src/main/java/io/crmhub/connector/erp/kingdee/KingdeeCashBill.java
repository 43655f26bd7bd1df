package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;

/**
 * Save models of Kingdee's cash bills: the receipt ({@code AR_RECEIVEBILL}, 收款单) and the receipt refund
 * ({@code AR_REFUNDBILL}, 收款退款单). {@code FBillNo} is our posting reference ({@code CRM-P-…}/{@code CRM-R-…}); the
 * contact and paying/receiving unit is the customer; the entry names the settlement type (结算方式, value map
 * {@code kingdee/settlement-type}), the purpose and the sales order (our order number) the money is for, which is what
 * Kingdee's receivable matching (核销) uses. The settlement currency ({@code FSETTLECUR}, required) is the bill's
 * currency; the refund entry names the sales order {@code FSALEORDERNUMBER} where the receipt entry says
 * {@code FSALEORDERNO} (Kingdee's own keys differ between the two forms).
 */
public final class KingdeeCashBill {
    public static final String RECEIPT_FORM = "AR_RECEIVEBILL";
    public static final String REFUND_FORM = "AR_REFUNDBILL";
    static final String CUSTOMER_TYPE = "BD_Customer";

    private KingdeeCashBill() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Receipt(
            @JsonProperty("FID") long id,
            @JsonProperty("FBillTypeID") KingdeeRef billType,
            @JsonProperty("FBillNo") String billNo,
            @JsonProperty("FDATE") String date,
            @JsonProperty("FCONTACTUNITTYPE") String contactUnitType,
            @JsonProperty("FCONTACTUNIT") KingdeeRef contactUnit,
            @JsonProperty("FPAYUNITTYPE") String payUnitType,
            @JsonProperty("FPAYUNIT") KingdeeRef payUnit,
            @JsonProperty("FCURRENCYID") KingdeeRef currency,
            @JsonProperty("FSETTLECUR") KingdeeRef settlementCurrency,
            @JsonProperty("FSETTLEORGID") KingdeeRef settleOrg,
            @JsonProperty("FPAYORGID") KingdeeRef payOrg,
            @JsonProperty("FREMARK") String remark,
            @JsonProperty("FRECEIVEBILLENTRY") List<ReceiptEntry> entries) {
    }

    public record ReceiptEntry(
            @JsonProperty("FSETTLETYPEID") KingdeeRef settlementType,
            @JsonProperty("FPURPOSEID") KingdeeRef purpose,
            @JsonProperty("FRECTOTALAMOUNTFOR") BigDecimal amount,
            @JsonProperty("FSALEORDERNO") String salesOrder,
            @JsonProperty("FCOMMENT") String comment) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Refund(
            @JsonProperty("FID") long id,
            @JsonProperty("FBillTypeID") KingdeeRef billType,
            @JsonProperty("FBillNo") String billNo,
            @JsonProperty("FDATE") String date,
            @JsonProperty("FCONTACTUNITTYPE") String contactUnitType,
            @JsonProperty("FCONTACTUNIT") KingdeeRef contactUnit,
            @JsonProperty("FRECTUNITTYPE") String receivingUnitType,
            @JsonProperty("FRECTUNIT") KingdeeRef receivingUnit,
            @JsonProperty("FCURRENCYID") KingdeeRef currency,
            @JsonProperty("FSETTLECUR") KingdeeRef settlementCurrency,
            @JsonProperty("FSETTLEORGID") KingdeeRef settleOrg,
            @JsonProperty("FPAYORGID") KingdeeRef payOrg,
            @JsonProperty("FREMARK") String remark,
            @JsonProperty("FREFUNDBILLENTRY") List<RefundEntry> entries) {
    }

    public record RefundEntry(
            @JsonProperty("FSETTLETYPEID") KingdeeRef settlementType,
            @JsonProperty("FPURPOSEID") KingdeeRef purpose,
            @JsonProperty("FREFUNDAMOUNTFOR") BigDecimal amount,
            @JsonProperty("FSALEORDERNUMBER") String salesOrder,
            @JsonProperty("FNOTE") String comment) {
    }
}
