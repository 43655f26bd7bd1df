package io.crmhub.sandbox;

import static io.crmhub.sandbox.KingdeeRecords.JSON;
import static io.crmhub.sandbox.KingdeeRecords.RECEIVABLE;
import static io.crmhub.sandbox.KingdeeRecords.TIME;
import static io.crmhub.sandbox.KingdeeRecords.field;
import static io.crmhub.sandbox.KingdeeRecords.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.LocalDate;

/** Receivables ({@code AR_receivable}) as finance issues and voids them; the WebAPI only reads them. */
final class KingdeeReceivables {
    private final KingdeeRecords records;
    private final KingdeeSalesOrderForm orders;

    KingdeeReceivables(KingdeeRecords records, KingdeeSalesOrderForm orders) {
        this.records = records;
        this.orders = orders;
    }

    /**
     * Finance issues a receivable for a sales order: its total (prices are tax-inclusive), due in 30 days, dated today,
     * one entry naming the order. Returns the receivable's bill number.
     */
    String issueFor(String salesOrderBillNo) {
        synchronized (records) {
            ObjectNode order = records.find(KingdeeRecords.SALES_ORDER, salesOrderBillNo);
            if (order == null) {
                throw new IllegalArgumentException("no sales order " + salesOrderBillNo);
            }
            // a receivable is pushed from the sales outbound bill, which needs an audited order: audited, stocked out in full
            if (!"C".equals(text(order, "FDocumentStatus"))) {
                orders.audit(salesOrderBillNo);
            }
            if ("A".equals(text(order, "FCloseStatus"))) {
                orders.stockOut(salesOrderBillNo, BigDecimal.ONE);
            }
            long id = records.ids.incrementAndGet();
            String number = "AR%08d".formatted(records.receivableNumbers.incrementAndGet());
            LocalDate today = LocalDate.now(KingdeeSandbox.ZONE);
            ObjectNode bill = JSON.createObjectNode().put("FID", id).put("FBillNo", number)
                    .put("FDate", today.atStartOfDay().format(TIME)).put("FENDDATE_H", today.plusDays(30).atStartOfDay().format(TIME))
                    .put("FDocumentStatus", "C").put("FCancelStatus", "A")
                    .put("FALLAMOUNTFOR", order.path("FBillAllAmount").decimalValue());
            bill.putObject("FCUSTOMERID").put("FNumber", order.path("FCustId").path("FNumber").asText());
            JsonNode currency = order.path("FSaleOrderFinance").path("FSettleCurrId");
            bill.putObject("FCURRENCYID").put("FNumber", currency.path("FNumber").asText()).put("FCode", currency.path("FCode").asText());
            // one entry per order entry, with the tax as the order priced it (不含税金额, 税额, 价税合计)
            ArrayNode entries = bill.putArray("FEntityDetail");
            for (JsonNode line : field(order, "FSaleOrderEntry")) {
                entries.addObject().put("FEntryID", records.entryIds.incrementAndGet()).put("FORDERNUMBER", salesOrderBillNo)
                        .put("FEntryTaxRate", field(line, "FEntryTaxRate").isNumber() ? field(line, "FEntryTaxRate").decimalValue() : BigDecimal.ZERO)
                        .put("FNoTaxAmountFor_D", field(line, "FAmount").decimalValue())
                        .put("FTAXAMOUNTFOR_D", field(line, "FTaxAmount").decimalValue())
                        .put("FALLAMOUNTFOR_D", field(line, "FAllAmount").decimalValue());
            }
            records.stamp(bill, true);
            records.form(RECEIVABLE).put(id, bill);
            return number;
        }
    }

    /**
     * Finance credits a receivable in full with a red receivable (红字应收单): the same order, every amount negated, dated
     * today. Returns the red bill's number.
     */
    String creditInFull(String receivableBillNo) {
        synchronized (records) {
            ObjectNode original = records.find(RECEIVABLE, receivableBillNo);
            if (original == null) {
                throw new IllegalArgumentException("no receivable " + receivableBillNo);
            }
            ObjectNode red = original.deepCopy();
            long id = records.ids.incrementAndGet();
            String number = "AR%08d".formatted(records.receivableNumbers.incrementAndGet());
            red.put("FID", id).put("FBillNo", number).put("FDate", LocalDate.now(KingdeeSandbox.ZONE).atStartOfDay().format(TIME))
                    .put("FALLAMOUNTFOR", original.path("FALLAMOUNTFOR").decimalValue().negate());
            for (JsonNode entry : red.path("FEntityDetail")) {
                ObjectNode e = (ObjectNode) entry;
                e.put("FEntryID", records.entryIds.incrementAndGet());
                for (String amount : new String[]{"FNoTaxAmountFor_D", "FTAXAMOUNTFOR_D", "FALLAMOUNTFOR_D", "FALLAMOUNTFOR"}) {
                    if (e.path(amount).isNumber()) {
                        e.put(amount, e.path(amount).decimalValue().negate());
                    }
                }
            }
            records.stamp(red, true);
            records.form(RECEIVABLE).put(id, red);
            return number;
        }
    }

    /** Finance voids a receivable (作废): {@code FCancelStatus B}, a new modify time. */
    void cancel(String billNo) {
        synchronized (records) {
            ObjectNode bill = records.find(RECEIVABLE, billNo);
            if (bill == null) {
                throw new IllegalArgumentException("no receivable " + billNo);
            }
            bill.put("FCancelStatus", "B");
            records.stamp(bill, false);
        }
    }
}
