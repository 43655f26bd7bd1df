package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.ErpSnapshot;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.routing.mapping.ValueMaps;
import java.util.Map;
import java.util.function.Function;

/**
 * Kingdee's side of a reconciliation, read with ExecuteBillQuery page by page ({@code StartRow}/{@code Limit}, 1,000
 * at a time) with only the fields compared: customers and sales orders by {@code FCreateDate}, receivables by
 * {@code FDate}. Header fields only, so one row per bill. The hub's windows are UTC days; Kingdee's creation
 * date-times are the server's local time, so the window is converted into {@code crmhub.connectors.erp-kingdee.zone};
 * a receivable's {@code FDate} is a calendar date and is compared as one.
 */
public class KingdeeSnapshot implements ErpSnapshot {
    private static final int PAGE = 1000;

    private final KingdeeClient client;
    private final KingdeeProperties properties;
    private final KingdeeCustomerMapper mapper;
    private final KingdeeOrderMapper orderMapper;
    private final ValueMaps maps;

    public KingdeeSnapshot(KingdeeClient client, KingdeeProperties properties, KingdeeCustomerMapper mapper,
                           KingdeeOrderMapper orderMapper, ValueMaps maps) {
        this.orderMapper = orderMapper;
        this.mapper = mapper;
        this.maps = maps;
        this.client = client;
        this.properties = properties;
    }

    @Override
    public String system() {
        return KingdeeCustomerSink.SYSTEM;
    }

    /** The BD_Customer fields the customer flow writes (references by their number). */
    private static final List<String> CUSTOMER_FIELDS = List.of("FName", "FShortName", "FCustTypeId.FNumber", "FCOUNTRY.FNumber",
            "FADDRESS", "FZIP", "FTEL", "FTAXREGISTERCODE");

    @Override
    public List<Record> customers(LocalDate from, LocalDate to) {
        List<String> keys = new ArrayList<>(List.of("FNumber", "FForbidStatus"));
        keys.addAll(CUSTOMER_FIELDS);
        return read(KingdeeCustomerSink.FORM, "FCreateDate", local(from), local(to), keys,
                " and FCreateOrgId.FNumber=" + KingdeeClient.literal(properties.orgNumber()),
                r -> {
                    if (!r.get("FNumber").asText().startsWith("CRM-C-")) {
                        return null;
                    }
                    Map<String, String> fields = new java.util.LinkedHashMap<>();
                    CUSTOMER_FIELDS.forEach(k -> fields.put(k, r.get(k) == null || r.get(k).isNull() ? "" : r.get(k).asText("")));
                    return new Record(r.get("FNumber").asText(), r.get("FNumber").asText(), null, null, "ACTIVE", fields);
                });
    }

    @Override
    public Map<String, String> customerFields(CanonicalCustomer customer) {
        KingdeeCustomer c = mapper.toCustomer(customer, properties.orgNumber(), maps);
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("FName", text(c.name()));
        fields.put("FShortName", text(c.shortName()));
        fields.put("FCustTypeId.FNumber", c.customerType() == null ? "" : text(c.customerType().number()));
        fields.put("FCOUNTRY.FNumber", c.country() == null ? "" : text(c.country().number()));
        fields.put("FADDRESS", text(c.address()));
        fields.put("FZIP", text(c.zip()));
        fields.put("FTEL", text(c.phone()));
        fields.put("FTAXREGISTERCODE", text(c.taxNumber()));
        return fields;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    /**
     * A closed order is CANCELLED only when nothing of it was stocked out (how the hub cancels: {@code BillClose}); an
     * order closed after delivery is done, not cancelled. {@code FStockOutQty} is an entry field: rows per entry, folded.
     */
    /** A sales order's FBillAllAmount is 价税合计: the gross, as the customer pays it. */
    @Override
    public boolean ordersAtNet() {
        return false;
    }

    @Override
    public List<Record> orders(LocalDate from, LocalDate to) {
        Map<String, Record> orders = new java.util.LinkedHashMap<>();
        Map<String, BigDecimal> stockedOut = new java.util.HashMap<>();
        Map<String, List<String>> items = new java.util.HashMap<>();
        Map<String, String> customers = new java.util.HashMap<>();
        read(KingdeeOrderSink.FORM, "FCreateDate", local(from), local(to),
                List.of("FBillNo", "FBillAllAmount", "FSettleCurrId.FCode", "FCloseStatus", "FCancelStatus", "FStockOutQty",
                        "FCustId.FNumber", "FMaterialId.FNumber", "FQty", "FUnitID.FNumber"), "", r -> {
                    String number = r.get("FBillNo").asText();
                    customers.putIfAbsent(number, text(r, "FCustId.FNumber"));
                    if (!text(r, "FMaterialId.FNumber").isEmpty()) {
                        items.computeIfAbsent(number, n -> new ArrayList<>()).add(text(r, "FMaterialId.FNumber") + " "
                                + quantity(text(r, "FQty")) + " " + text(r, "FUnitID.FNumber"));
                    }
                    JsonNode out = r.get("FStockOutQty");
                    stockedOut.merge(number, out == null || !out.isValueNode() || out.asText("").isBlank()
                            ? BigDecimal.ZERO : new BigDecimal(out.asText()), BigDecimal::add);
                    boolean voided = "B".equals(r.get("FCancelStatus").asText());
                    boolean closed = KingdeeOrderSink.CLOSED.equals(r.get("FCloseStatus").asText());
                    orders.putIfAbsent(number, new Record(number, number, new BigDecimal(r.get("FBillAllAmount").asText("0")),
                            r.get("FSettleCurrId.FCode").asText(), voided ? "CANCELLED" : closed ? "CLOSED" : "ACTIVE"));
                    return null;
                });
        return orders.values().stream().map(o -> new Record(o.externalId(), o.reference(), o.amount(), o.currency(),
                !"CLOSED".equals(o.status()) ? o.status()
                        : stockedOut.getOrDefault(o.reference(), BigDecimal.ZERO).signum() == 0 ? "CANCELLED" : "ACTIVE",
                Map.of("FCustId.FNumber", customers.getOrDefault(o.reference(), ""), "items",
                        items.getOrDefault(o.reference(), List.of()).stream().sorted().collect(java.util.stream.Collectors.joining("; ")))))
                .toList();
    }

    /** The customer and the entries the order flow writes: material, quantity and unit, in material order. */
    @Override
    public Map<String, String> orderFields(CanonicalOrder order, String customerExternalId) {
        KingdeeSalesOrder wanted = orderMapper.toSalesOrder(order, customerExternalId, maps, properties);
        return Map.of("FCustId.FNumber", text(customerExternalId), "items", wanted.entries().stream()
                .map(e -> e.material().number() + " " + quantity(e.quantity().toPlainString()) + " " + e.unit().number())
                .sorted().collect(java.util.stream.Collectors.joining("; ")));
    }

    private static String text(Map<String, JsonNode> row, String key) {
        JsonNode value = row.get(key);
        return value == null || value.isNull() ? "" : value.asText("");
    }

    private static String quantity(String decimal) {
        return decimal.isBlank() ? "0" : new BigDecimal(decimal).stripTrailingZeros().toPlainString();
    }

    @Override
    public List<Record> invoices(LocalDate from, LocalDate to) {
        return read(KingdeeInvoiceSource.FORM, "FDate", from + " 00:00:00", to + " 00:00:00", List.of("FBillNo", "FALLAMOUNTFOR", "FCURRENCYID.FCode", "FCancelStatus"),
                "", r -> new Record(r.get("FBillNo").asText(), r.get("FBillNo").asText(), new BigDecimal(r.get("FALLAMOUNTFOR").asText("0")).abs(),
                        r.get("FCURRENCYID.FCode").asText(), "B".equals(r.get("FCancelStatus").asText()) ? "CANCELLED" : "OPEN"));
    }

    /** Receipts and receipt refunds numbered with our references; a bill's amount is the sum of its entries. */
    @Override
    public List<Record> payments(LocalDate from, LocalDate to) {
        List<Record> records = new ArrayList<>();
        for (var form : List.of(List.of(KingdeeCashBill.RECEIPT_FORM, "FRECTOTALAMOUNTFOR", "RECEIPT"),
                List.of(KingdeeCashBill.REFUND_FORM, "FREFUNDAMOUNTFOR", "REFUND"))) {
            Map<String, Record> bills = new java.util.LinkedHashMap<>();
            read(form.get(0), "FDATE", from.toString(), to.toString(), List.of("FBillNo", form.get(1), "FCURRENCYID.FCode"), "", r -> {
                String number = r.get("FBillNo").asText();
                if (number.startsWith("CRM-P-") || number.startsWith("CRM-R-")) {
                    BigDecimal amount = new BigDecimal(r.get(form.get(1)).asText("0"));
                    bills.merge(number, new Record(number, number, amount, r.get("FCURRENCYID.FCode").asText(), form.get(2)),
                            (a, b) -> new Record(number, number, a.amount().add(b.amount()), a.currency(), a.status()));
                }
                return null;
            });
            records.addAll(bills.values());
        }
        return records;
    }

    /** Midnight UTC of {@code day} as the Kingdee server's local date-time. */
    private String local(LocalDate day) {
        return KingdeeInvoiceSource.FILTER_TIME.format(java.time.LocalDateTime.ofInstant(
                day.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), properties.zone()));
    }

    private List<Record> read(String form, String dateField, String from, String to, List<String> fields, String extraFilter,
                              Function<Map<String, JsonNode>, Record> map) {
        String filter = dateField + ">=" + KingdeeClient.literal(from) + " and " + dateField + "<=" + KingdeeClient.literal(to) + extraFilter;
        List<Record> records = new ArrayList<>();
        for (int start = 0; ; start += PAGE) {
            int startRow = start;
            List<Map<String, JsonNode>> page = client.query(form, fields, filter, fields.get(0) + " ASC", startRow, PAGE);
            for (Map<String, JsonNode> row : page) {
                Record r = map.apply(row);
                if (r != null) {
                    records.add(r);
                }
            }
            if (page.size() < PAGE) {
                return records;
            }
        }
    }
}
