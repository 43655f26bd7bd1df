package io.crmhub.sandbox;

import static io.crmhub.sandbox.KingdeeAnswers.failure;
import static io.crmhub.sandbox.KingdeeAnswers.saved;
import static io.crmhub.sandbox.KingdeeRecords.CURRENCIES;
import static io.crmhub.sandbox.KingdeeRecords.CUSTOMER;
import static io.crmhub.sandbox.KingdeeRecords.field;
import static io.crmhub.sandbox.KingdeeRecords.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.math.BigDecimal;
import java.util.List;

/**
 * A cash bill: the receipt (收款单, {@code AR_RECEIVEBILL}) or the receipt refund (收款退款单, {@code AR_REFUNDBILL}).
 * Only new ones are saved: known customer and currency, a settlement type and a positive amount per entry.
 */
final class KingdeeCashBillForm implements KingdeeForm {
    private final KingdeeRecords records;
    private final String formId;
    private final String entryKey;
    private final String amountKey;
    private final String unitKey;
    private final String numberPrefix;

    private KingdeeCashBillForm(KingdeeRecords records, String formId, String entryKey, String amountKey, String unitKey,
                                String numberPrefix) {
        this.records = records;
        this.formId = formId;
        this.entryKey = entryKey;
        this.amountKey = amountKey;
        this.unitKey = unitKey;
        this.numberPrefix = numberPrefix;
    }

    static KingdeeCashBillForm receipts(KingdeeRecords records) {
        return new KingdeeCashBillForm(records, KingdeeRecords.RECEIPT, "FRECEIVEBILLENTRY", "FRECTOTALAMOUNTFOR", "FPAYUNIT", "SKD");
    }

    static KingdeeCashBillForm receiptRefunds(KingdeeRecords records) {
        return new KingdeeCashBillForm(records, KingdeeRecords.RECEIPT_REFUND, "FREFUNDBILLENTRY", "FREFUNDAMOUNTFOR", "FRECTUNIT", "SKTKD");
    }

    @Override
    public String formId() {
        return formId;
    }

    @Override
    public ResponseDefinition save(ObjectNode model, JsonNode data) {
        if (field(model, "FID").asLong(0) != 0) {
            return failure(12, "FID", "已保存的收付款单不允许通过接口修改");
        }
        for (String key : List.of("FCONTACTUNIT", unitKey)) {
            String customer = field(field(model, key), "FNumber").asText("");
            if (records.find(CUSTOMER, customer) == null) {
                return failure(9, key, "字段“往来单位”的值“" + customer + "”不存在");
            }
        }
        String currency = field(field(model, "FCURRENCYID"), "FNumber").asText("");
        if (!CURRENCIES.containsKey(currency)) {
            return failure(9, "FCURRENCYID", "字段“币别”的值不存在");
        }
        ((ObjectNode) field(model, "FCURRENCYID")).put("FCode", CURRENCIES.get(currency));
        if (!CURRENCIES.containsKey(field(field(model, "FSETTLECUR"), "FNumber").asText(""))) {
            return failure(11, "FSETTLECUR", "字段“结算币别”是必填项");
        }
        JsonNode entries = field(model, entryKey);
        if (!entries.isArray() || entries.isEmpty()) {
            return failure(11, entryKey, "单据体“明细”至少需要一行");
        }
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode entry : entries) {
            if (field(field(entry, "FSETTLETYPEID"), "FNumber").asText("").isBlank()) {
                return failure(11, "FSETTLETYPEID", "字段“结算方式”是必填项");
            }
            BigDecimal amount = field(entry, amountKey).isNumber() ? field(entry, amountKey).decimalValue() : BigDecimal.ZERO;
            if (amount.signum() <= 0) {
                return failure(11, amountKey, "金额必须大于 0");
            }
            total = total.add(amount);
        }
        String billNo = text(model, "FBillNo");
        if (billNo.isBlank()) {
            billNo = numberPrefix + "%06d".formatted(records.billNumbers.incrementAndGet());
            model.put("FBillNo", billNo);
        } else if (records.find(formId, billNo) != null) {
            return failure(11, "FBillNo", "单据编号“" + billNo + "”已经存在");
        }
        long id = records.ids.incrementAndGet();
        model.put("FID", id).put("FDocumentStatus", "A").put("FAMOUNT", total);
        records.stamp(model, true);
        records.form(formId).put(id, model);
        return saved(id, billNo);
    }
}
