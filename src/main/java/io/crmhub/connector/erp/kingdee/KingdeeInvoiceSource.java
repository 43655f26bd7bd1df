package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.ErpInvoiceSource;
import io.crmhub.routing.PermanentConnectorException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kingdee receivables ({@code AR_receivable}) as ERP invoices. Kingdee has no webhooks: ExecuteBillQuery polls by
 * {@code FModifyDate >= '…'} ordered by it, and the answer's array of arrays is read by the order of the FieldKeys.
 * The sales order a receivable bills is its entries' {@code FORDERNUMBER} (an entry field, so the query answers one row
 * per entry; rows are folded back into one invoice per bill). Due date is Kingdee's own ({@code FENDDATE_H}), so no
 * payment-terms map is needed. Kingdee date-times carry no zone: they are read in {@code crmhub.connectors.erp-kingdee.zone}.
 * Each entry's net, tax and rate ({@code FNoTaxAmountFor_D}, {@code FTAXAMOUNTFOR_D}, {@code FALLAMOUNTFOR_D},
 * {@code FEntryTaxRate} in percent) make the invoice's lines; their sums its net and tax. Write-offs are not read: no
 * clearing is stated, the hub allocates the payments it recorded (as for SAP).
 */
public class KingdeeInvoiceSource implements ErpInvoiceSource {
    static final String FORM = "AR_receivable";
    static final DateTimeFormatter FILTER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    static final List<String> FIELDS = List.of("FBillNo", "FDate", "FENDDATE_H", "FCUSTOMERID.FNumber", "FCURRENCYID.FCode",
            "FALLAMOUNTFOR", "FCancelStatus", "FModifyDate", "FORDERNUMBER", "FEntryTaxRate", "FNoTaxAmountFor_D",
            "FTAXAMOUNTFOR_D", "FALLAMOUNTFOR_D");

    private final KingdeeClient client;
    private final KingdeeProperties properties;

    public KingdeeInvoiceSource(KingdeeClient client, KingdeeProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    /** The FilterString of a bill changed in [since, until], in the server's zone-less local time. */
    static String modifiedBetween(Instant since, Instant until, java.time.ZoneId zone) {
        return "FModifyDate>=" + KingdeeClient.literal(FILTER_TIME.format(LocalDateTime.ofInstant(since, zone)))
                + " and FModifyDate<=" + KingdeeClient.literal(FILTER_TIME.format(LocalDateTime.ofInstant(until, zone)));
    }

    @Override
    public String system() {
        return KingdeeCustomerSink.SYSTEM;
    }

    @Override
    public List<ErpInvoice> changedBetween(Instant since, Instant until, int max) {
        String filter = modifiedBetween(since, until, properties.zone());
        List<Map<String, JsonNode>> rows = client.query(FORM, FIELDS, filter, "FModifyDate ASC,FBillNo ASC", 0, max);
        Map<String, ErpInvoice> invoices = new LinkedHashMap<>();
        Map<String, List<Line>> lines = new LinkedHashMap<>();
        for (Map<String, JsonNode> row : rows) {
            String number = row.get("FBillNo").asText();
            ErpInvoice known = invoices.get(number);
            if (known == null || (known.salesOrder() == null && !row.get("FORDERNUMBER").asText("").isEmpty())) {
                invoices.put(number, toInvoice(number, row));
            }
            BigDecimal gross = decimal(row, "FALLAMOUNTFOR_D", number);
            if (gross != null) {
                BigDecimal rate = decimal(row, "FEntryTaxRate", number);
                lines.computeIfAbsent(number, n -> new ArrayList<>()).add(new Line(null, rate == null ? null : rate.movePointLeft(2)
                        .stripTrailingZeros(), decimal(row, "FNoTaxAmountFor_D", number), decimal(row, "FTAXAMOUNTFOR_D", number), gross));
            }
        }
        List<ErpInvoice> out = new ArrayList<>();
        invoices.forEach((number, i) -> {
            List<Line> of = lines.getOrDefault(number, List.of());
            boolean stated = !of.isEmpty() && of.stream().allMatch(l -> l.netAmount() != null && l.taxAmount() != null);
            // a red receivable (红字应收单, negative amounts) credits the order's receivables: stored with positive amounts
            boolean red = i.totalAmount().signum() < 0;
            List<Line> stored = red ? of.stream().map(l -> new Line(l.item(), l.taxRate(), abs(l.netAmount()), abs(l.taxAmount()),
                    abs(l.grossAmount()))).toList() : List.copyOf(of);
            BigDecimal net = stated ? stored.stream().map(Line::netAmount).reduce(BigDecimal.ZERO, BigDecimal::add) : null;
            BigDecimal tax = stated ? stored.stream().map(Line::taxAmount).reduce(BigDecimal.ZERO, BigDecimal::add) : null;
            out.add(new ErpInvoice(i.number(), i.salesOrder(), i.soldTo(), i.currency(), i.totalAmount().abs(), net, tax, null,
                    i.issueDate(), i.dueDate(), i.status(), i.changedAt(), stored, null, red, null));
        });
        return out;
    }

    private static BigDecimal abs(BigDecimal value) {
        return value == null ? null : value.abs();
    }

    /** An amount of a row, null where Kingdee leaves it empty; text that is no number stops the poll naming the field. */
    private static BigDecimal decimal(Map<String, JsonNode> row, String field, String number) {
        JsonNode v = row.get(field);
        if (v == null || v.isNull() || v.asText("").isBlank()) {
            return null;
        }
        try {
            return new BigDecimal(v.asText());
        } catch (NumberFormatException e) {
            throw new PermanentConnectorException(KingdeeClient.CONNECTOR, "receivable " + number + " has no valid " + field);
        }
    }

    private ErpInvoice toInvoice(String number, Map<String, JsonNode> row) {
        String order = row.get("FORDERNUMBER").asText("");
        BigDecimal total;
        try {
            total = new BigDecimal(row.get("FALLAMOUNTFOR").asText());
        } catch (NumberFormatException e) {
            throw new PermanentConnectorException(KingdeeClient.CONNECTOR, "receivable " + number + " has no valid FALLAMOUNTFOR");
        }
        boolean cancelled = "B".equals(row.get("FCancelStatus").asText());
        return new ErpInvoice(number, order.isEmpty() ? null : order, row.get("FCUSTOMERID.FNumber").asText(null),
                row.get("FCURRENCYID.FCode").asText(), total, null, null, null, date(row, "FDate", "receivable " + number).toLocalDate(),
                date(row, "FENDDATE_H", "receivable " + number).toLocalDate(), cancelled ? "CANCELLED" : "OPEN",
                date(row, "FModifyDate", "receivable " + number).atZone(properties.zone()).toInstant(), List.of(), null, false, null);
    }

    /**
     * Kingdee's JSON date-times: {@code 2025-11-25T00:00:00} or with fractions, no zone.
     *
     * @param bill what the row is, for the error ({@code receivable AR00000001})
     */
    static LocalDateTime date(Map<String, JsonNode> row, String field, String bill) {
        String text = row.get(field).asText("");
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay() : LocalDateTime.parse(text.replace(' ', 'T'));
        } catch (DateTimeParseException e) {
            throw new PermanentConnectorException(KingdeeClient.CONNECTOR, bill + " has " + field + " '" + text
                    + "', not a Kingdee date");
        }
    }
}
