package io.crmhub.sandbox;

import static io.crmhub.sandbox.KingdeeAnswers.failure;
import static io.crmhub.sandbox.KingdeeAnswers.saved;
import static io.crmhub.sandbox.KingdeeRecords.CURRENCIES;
import static io.crmhub.sandbox.KingdeeRecords.CUSTOMER;
import static io.crmhub.sandbox.KingdeeRecords.JSON;
import static io.crmhub.sandbox.KingdeeRecords.SALES_ORDER;
import static io.crmhub.sandbox.KingdeeRecords.field;
import static io.crmhub.sandbox.KingdeeRecords.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sales orders ({@code SAL_SaleOrder}): Save (new, or an open unaudited one updated entry by entry), the
 * {@code BillClose} operation, and the progress Kingdee's own users make on them (audit, stock-out write-back, close).
 */
final class KingdeeSalesOrderForm implements KingdeeForm {
    /** Sales order entry quantities Kingdee writes back: stocked out (销售出库), on delivery notices (发货通知). */
    private static final List<String> EXECUTED = List.of("FStockOutQty", "FDeliQty");

    private final KingdeeRecords records;
    private final Consumer<String> created;

    /** {@code created} hears the bill number of each new order (finance invoices it later). */
    KingdeeSalesOrderForm(KingdeeRecords records, Consumer<String> created) {
        this.records = records;
        this.created = created;
    }

    @Override
    public String formId() {
        return SALES_ORDER;
    }

    private Map<Long, ObjectNode> orders() {
        return records.form(SALES_ORDER);
    }

    @Override
    public ResponseDefinition save(ObjectNode model, JsonNode data) {
        boolean deleteMissingEntries = data.path("IsDeleteEntry").asBoolean(true);
        long id = field(model, "FID").asLong(0);
        ObjectNode existing = id == 0 ? null : orders().get(id);
        if (id != 0 && existing == null) {
            return failure(10, "FID", "内码为 " + id + " 的销售订单不存在");
        }
        if (existing != null && ("B".equals(text(existing, "FCloseStatus")) || "C".equals(text(existing, "FDocumentStatus")))) {
            return failure(12, null, "单据 " + text(existing, "FBillNo") + " 已审核或已关闭，不允许修改");
        }
        ObjectNode merged = existing == null ? model : existing.deepCopy();
        if (existing != null) {
            Iterator<Map.Entry<String, JsonNode>> it = model.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getKey().equalsIgnoreCase("FSaleOrderEntry")) {
                    merged.set(f.getKey(), f.getValue());
                }
            }
        }
        String customer = field(field(merged, "FCustId"), "FNumber").asText("");
        if (records.find(CUSTOMER, customer) == null) {
            return failure(9, "FCustId", "字段“客户”的值“" + customer + "”不存在");
        }
        if (!KingdeeSandbox.ORG.equals(field(field(merged, "FSaleOrgId"), "FNumber").asText(""))) {
            return failure(9, "FSaleOrgId", "字段“销售组织”的值不存在");
        }
        String currency = field(field(field(merged, "FSaleOrderFinance"), "FSettleCurrId"), "FNumber").asText("");
        if (!CURRENCIES.containsKey(currency)) {
            return failure(9, "FSettleCurrId", "字段“结算币别”的值“" + currency + "”不存在");
        }
        ((ObjectNode) field(field(merged, "FSaleOrderFinance"), "FSettleCurrId")).put("FCode", CURRENCIES.get(currency));
        // entries: with FEntryID updated, without added, missing ones deleted (IsDeleteEntry)
        JsonNode sent = field(model, "FSaleOrderEntry");
        ArrayNode entries = JSON.createArrayNode();
        List<JsonNode> old = new ArrayList<>();
        (existing == null ? JSON.createArrayNode() : field(existing, "FSaleOrderEntry")).forEach(old::add);
        if (existing != null && !sent.isArray()) {
            old.forEach(entries::add);
        }
        for (JsonNode entry : sent.isArray() ? sent : JSON.createArrayNode()) {
            ObjectNode e = (ObjectNode) entry.deepCopy();
            if (field(field(e, "FMaterialId"), "FNumber").asText("").isBlank()) {
                return failure(11, "FMaterialId", "第" + (entries.size() + 1) + "行，字段“物料编码”是必填项");
            }
            if (field(field(e, "FUnitID"), "FNumber").asText("").isBlank()) {
                return failure(11, "FUnitID", "第" + (entries.size() + 1) + "行，字段“销售单位”是必填项");
            }
            if (field(e, "FQty").decimalValue().signum() <= 0) {
                return failure(11, "FQty", "第" + (entries.size() + 1) + "行，销售数量必须大于0");
            }
            long entryId = field(e, "FEntryID").asLong(0);
            JsonNode before = null;
            if (entryId != 0) {
                before = old.stream().filter(o -> field(o, "FEntryID").asLong() == entryId).findFirst().orElse(null);
                if (before == null) {
                    return failure(10, "FEntryID", "分录内码 " + entryId + " 不存在");
                }
                old.remove(before);
            } else {
                e.put("FEntryID", records.entryIds.incrementAndGet());
            }
            // execution quantities are Kingdee's (written back by outbound bills), never the client's
            for (String executed : EXECUTED) {
                e.put(executed, before == null ? BigDecimal.ZERO : field(before, executed).decimalValue());
            }
            entries.add(e);
        }
        if (!deleteMissingEntries) {
            old.forEach(entries::add);
        }
        if (entries.isEmpty()) {
            return failure(11, "FSaleOrderEntry", "单据体“订单明细”至少需要一行");
        }
        merged.set("FSaleOrderEntry", entries);
        // Kingdee prices each entry: 含税 (FIsIncludedTax, FTaxPrice) or not (FPrice), tax per entry to the cent
        JsonNode included = field(field(merged, "FSaleOrderFinance"), "FIsIncludedTax");
        boolean inclusive = included.isMissingNode() || included.isNull() || included.asBoolean(true);
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal net = BigDecimal.ZERO;
        BigDecimal tax = BigDecimal.ZERO;
        for (JsonNode entry : entries) {
            ObjectNode e = (ObjectNode) entry;
            BigDecimal rate = field(e, "FEntryTaxRate").isNumber() ? field(e, "FEntryTaxRate").decimalValue().movePointLeft(2) : BigDecimal.ZERO;
            BigDecimal price = field(e, inclusive ? "FTaxPrice" : "FPrice").isNumber()
                    ? field(e, inclusive ? "FTaxPrice" : "FPrice").decimalValue() : BigDecimal.ZERO;
            BigDecimal extended = field(e, "FQty").decimalValue().multiply(price).setScale(2, RoundingMode.HALF_UP);
            BigDecimal entryTax = inclusive
                    ? extended.multiply(rate).divide(BigDecimal.ONE.add(rate), java.math.MathContext.DECIMAL128).setScale(2, RoundingMode.HALF_UP)
                    : extended.multiply(rate).setScale(2, RoundingMode.HALF_UP);
            BigDecimal entryNet = inclusive ? extended.subtract(entryTax) : extended;
            e.put("FAmount", entryNet).put("FTaxAmount", entryTax).put("FAllAmount", entryNet.add(entryTax));
            net = net.add(entryNet);
            tax = tax.add(entryTax);
            total = total.add(entryNet.add(entryTax));
        }
        merged.put("FBillAllAmount", total).put("FBillAmount", net).put("FBillTaxAmount", tax);
        ((ObjectNode) field(merged, "FSaleOrderFinance")).put("FBillAllAmount", total).put("FBillAmount", net).put("FBillTaxAmount", tax);
        String billNo = text(merged, "FBillNo");
        if (existing == null) {
            if (billNo.isBlank()) {
                billNo = "XSDD%06d".formatted(records.billNumbers.incrementAndGet());
                merged.put("FBillNo", billNo);
            }
            if (records.find(SALES_ORDER, billNo) != null) {
                return failure(11, "FBillNo", "单据编号“" + billNo + "”已存在");
            }
            id = records.ids.incrementAndGet();
            merged.put("FID", id).put("FDocumentStatus", "A").put("FCloseStatus", "A").put("FCancelStatus", "A");
            records.stamp(merged, true);
            orders().put(id, merged);
            created.accept(billNo);
        } else {
            records.stamp(merged, false);
            orders().put(id, merged);
        }
        return saved(id, billNo);
    }

    /** {@code ExcuteOperation BillClose}: closes the orders named by {@code Numbers} and {@code Ids}. */
    ResponseDefinition billClose(JsonNode data) {
        List<ObjectNode> bills = new ArrayList<>();
        for (JsonNode n : data.path("Numbers")) {
            ObjectNode bill = records.find(SALES_ORDER, n.asText());
            if (bill == null) {
                return failure(10, null, "单据 " + n.asText() + " 不存在");
            }
            bills.add(bill);
        }
        for (String i : data.path("Ids").asText("").split(",")) {
            if (!i.isBlank() && orders().get(Long.parseLong(i.trim())) != null) {
                bills.add(orders().get(Long.parseLong(i.trim())));
            }
        }
        if (bills.isEmpty()) {
            return failure(8, null, "请指定要关闭的单据");
        }
        ArrayNode ok = JSON.createArrayNode();
        for (ObjectNode bill : bills) {
            bill.put("FCloseStatus", "B");
            records.stamp(bill, false);
            ok.addObject().put("Id", bill.path("FID").asLong()).put("Number", text(bill, "FBillNo")).put("DIndex", ok.size());
        }
        ObjectNode root = JSON.createObjectNode();
        ObjectNode status = KingdeeAnswers.status(true, 0, null, null);
        status.set("SuccessEntitys", ok);
        root.putObject("Result").set("ResponseStatus", status);
        return KingdeeAnswers.json(root).build();
    }

    /** Audits (审核, {@code FDocumentStatus C}): from then on the order cannot be re-saved, only executed or closed. */
    void audit(String billNo) {
        synchronized (records) {
            ObjectNode order = existing(billNo);
            order.put("FDocumentStatus", "C");
            records.stamp(order, false);
        }
    }

    /**
     * Sets every entry's stocked-out quantity ({@code FStockOutQty}, and {@code FDeliQty} for the delivery notice
     * before it) to this share of its {@code FQty}, as the write-back of sales outbound bills does. Kingdee only
     * ships audited, open orders.
     */
    void stockOut(String billNo, BigDecimal share) {
        synchronized (records) {
            ObjectNode order = existing(billNo);
            if (!"C".equals(text(order, "FDocumentStatus")) || !"A".equals(text(order, "FCloseStatus"))) {
                throw new IllegalStateException("sales order " + billNo + " is not audited and open: nothing can be stocked out");
            }
            for (JsonNode entry : field(order, "FSaleOrderEntry")) {
                BigDecimal quantity = field(entry, "FQty").decimalValue().multiply(share).stripTrailingZeros();
                EXECUTED.forEach(f -> ((ObjectNode) entry).put(f, quantity));
            }
            records.stamp(order, false);
        }
    }

    /** Puts a status code on the order as it is ({@code FDocumentStatus}, {@code FCloseStatus}, {@code FCancelStatus}). */
    void status(String billNo, String field, String code) {
        synchronized (records) {
            ObjectNode order = existing(billNo);
            order.put(field, code);
            records.stamp(order, false);
        }
    }

    ObjectNode existing(String billNo) {
        ObjectNode order = records.find(SALES_ORDER, billNo);
        if (order == null) {
            throw new IllegalArgumentException("no sales order " + billNo);
        }
        return order;
    }
}
