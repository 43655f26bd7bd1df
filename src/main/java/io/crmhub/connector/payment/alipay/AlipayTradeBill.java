package io.crmhub.connector.payment.alipay;

import io.crmhub.crm.canonical.PaymentStatementSource.Kind;
import io.crmhub.crm.canonical.PaymentStatementSource.Row;
import io.crmhub.routing.PermanentConnectorException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Alipay's trade bill ({@code bill_type=trade}) read into statement rows (docs/connectors/alipay.md, "Daily statement"):
 * a ZIP with two GBK CSVs, 业务明细 (one line per trade or refund) and 业务明细(汇总) (totals per store and a 合计 line).
 * The entries are told apart by their header, not their name (whose encoding is not documented). Lines starting with
 * {@code #} are comments; the header is the first other line; every field is trimmed (Alipay appends a tab as an Excel
 * guard); columns are found by their header name. A 交易 row is a payment (our reference in 商户订单号, the amount in
 * 订单金额（元）, Alipay's id in 支付宝交易号), a 退款 row a refund (our refund reference in 退款批次号/请求号, which is
 * also its provider id, as the hub keeps it: Alipay gives a refund no id of its own; the amount negative in 订单金额（元）);
 * fees are taken as absolute values, since their sign is not documented. The file is refused, never half-read, when it
 * is not a ZIP (an expired link answers a page), a line has another field count than the header, or the rows do not add
 * up to the detail file's trailer (交易合计 / 退款合计: count and 商家实收) or to the summary's 合计 line (counts, 商家实收, 服务费).
 */
final class AlipayTradeBill {
    static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
    static final Charset GBK = Charset.forName("GBK");
    static final String PAYMENT = "交易";
    static final String REFUND = "退款";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final List<String> DETAIL_COLUMNS = List.of("支付宝交易号", "商户订单号", "业务类型", "完成时间", "订单金额（元）",
            "商家实收（元）", "退款批次号/请求号", "服务费（元）");
    private static final List<String> SUMMARY_COLUMNS = List.of("门店编号", "交易订单总笔数", "退款订单总笔数", "商家实收（元）", "服务费（元）");
    /** {@code #交易合计：6笔，商家实收共0.06元，…} and {@code #退款合计：4笔，商家实收退款共-0.04元，…} */
    private static final Pattern TRAILER = Pattern.compile("#\\s*(交易|退款)合计[：:]\\s*(\\d+)\\s*笔[，,]\\s*商家实收(?:退款)?共\\s*(-?[0-9.]+)\\s*元.*");

    private AlipayTradeBill() {
    }

    /** A CSV of the ZIP: its data lines split and trimmed, its header's columns, its {@code #} lines. */
    private record Csv(String name, Map<String, Integer> column, List<String[]> lines, List<String> comments) {
        String get(String[] line, String name) {
            return line[column.get(name)];
        }
    }

    static List<Row> parse(byte[] zip, String what) {
        Csv detail = null;
        Csv summary = null;
        for (Map.Entry<String, String> entry : entries(zip, what).entrySet()) {
            Csv csv = csv(entry.getKey(), entry.getValue(), what);
            if (csv == null) {
                continue;
            }
            if (csv.column().containsKey("支付宝交易号")) {
                detail = csv;
            } else if (csv.column().containsKey("交易订单总笔数")) {
                summary = csv;
            }
        }
        if (detail == null) {
            throw refused(what, "has no 业务明细 CSV (a header with 支付宝交易号)");
        }
        require(detail, DETAIL_COLUMNS, what);

        List<Row> rows = new ArrayList<>();
        // per 业务类型: the trailer counts 交易 and 退款 lines, the summary's 合计 adds up every line
        Map<String, Integer> count = new HashMap<>(Map.of(PAYMENT, 0, REFUND, 0));
        Map<String, BigDecimal> received = new HashMap<>(Map.of(PAYMENT, BigDecimal.ZERO, REFUND, BigDecimal.ZERO));
        BigDecimal fees = BigDecimal.ZERO;
        for (String[] f : detail.lines()) {
            String type = detail.get(f, "业务类型");
            String paymentReference = detail.get(f, "商户订单号");
            BigDecimal fee = decimal(detail.get(f, "服务费（元）"), "服务费（元）", detail, what);
            count.merge(type, 1, Integer::sum);
            received.merge(type, decimal(detail.get(f, "商家实收（元）"), "商家实收（元）", detail, what), BigDecimal::add);
            fees = fees.add(fee);
            switch (type) {
                case PAYMENT -> rows.add(new Row(Kind.PAYMENT, paymentReference, detail.get(f, "支付宝交易号"), paymentReference,
                        decimal(detail.get(f, "订单金额（元）"), "订单金额（元）", detail, what).abs(), fee.abs(), "CNY",
                        time(detail.get(f, "完成时间"), detail, what)));
                case REFUND -> rows.add(new Row(Kind.REFUND, detail.get(f, "退款批次号/请求号"), detail.get(f, "退款批次号/请求号"),
                        paymentReference, decimal(detail.get(f, "订单金额（元）"), "订单金额（元）", detail, what).abs(), fee.abs(), "CNY",
                        time(detail.get(f, "完成时间"), detail, what)));
                default -> { } // other business types (pre-authorisation and the like) are not payments or refunds of ours
            }
        }
        checkTrailer(detail, count, received, what);
        if (summary != null) {
            BigDecimal all = received.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            checkSummary(summary, count, all, fees, what);
        }
        return rows;
    }

    /** The detail file's 交易合计 / 退款合计 comment lines, where present. */
    private static void checkTrailer(Csv detail, Map<String, Integer> count, Map<String, BigDecimal> received, String what) {
        for (String comment : detail.comments()) {
            Matcher m = TRAILER.matcher(comment.strip());
            if (m.matches()) {
                String type = m.group(1);
                check(what, detail.name(), type + "合计 笔数", new BigDecimal(count.get(type)), new BigDecimal(m.group(2)));
                check(what, detail.name(), type + "合计 商家实收", received.get(type), decimal(m.group(3), type + "合计", detail, what));
            }
        }
    }

    /** The summary file's 合计 line: counts, 商家实收 (every line: trades plus the negative refunds) and 服务费. */
    private static void checkSummary(Csv summary, Map<String, Integer> count, BigDecimal received, BigDecimal fees, String what) {
        require(summary, SUMMARY_COLUMNS, what);
        String[] total = summary.lines().stream().filter(l -> summary.get(l, "门店编号").startsWith("合计")).findFirst()
                .orElseThrow(() -> refused(what, summary.name() + " has no 合计 line"));
        check(what, summary.name(), "交易订单总笔数", new BigDecimal(count.get(PAYMENT)),
                decimal(summary.get(total, "交易订单总笔数"), "交易订单总笔数", summary, what));
        check(what, summary.name(), "退款订单总笔数", new BigDecimal(count.get(REFUND)),
                decimal(summary.get(total, "退款订单总笔数"), "退款订单总笔数", summary, what));
        check(what, summary.name(), "商家实收（元）", received,
                decimal(summary.get(total, "商家实收（元）"), "商家实收（元）", summary, what));
        check(what, summary.name(), "服务费（元）", fees, decimal(summary.get(total, "服务费（元）"), "服务费（元）", summary, what));
    }

    /** The ZIP's entries as GBK text, by name. */
    private static Map<String, String> entries(byte[] zip, String what) {
        Map<String, String> texts = new java.util.LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), GBK)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (!e.isDirectory()) {
                    texts.put(e.getName(), new String(in.readAllBytes(), GBK));
                }
            }
        } catch (ZipException e) {
            throw refused(what, "is not a readable ZIP: " + e.getMessage());
        } catch (IOException e) {
            throw refused(what, "could not be read: " + e.getMessage());
        }
        if (texts.isEmpty()) {
            throw refused(what, "is not a ZIP of CSV files (an expired download link answers a page instead; ask for a new link)");
        }
        return texts;
    }

    /** The entry's lines, or null when it has no header line at all. */
    private static Csv csv(String name, String text, String what) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Map<String, Integer> column = null;
        List<String[]> lines = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        String[] all = text.split("\r?\n");
        for (int i = 0; i < all.length; i++) {
            String line = all[i];
            if (line.startsWith("#")) {
                comments.add(line);
            } else if (!line.isBlank()) {
                String[] f = line.split(",", -1);
                for (int j = 0; j < f.length; j++) {
                    f[j] = f[j].strip();
                }
                if (column == null) {
                    column = new HashMap<>();
                    for (int j = 0; j < f.length; j++) {
                        column.put(f[j], j);
                    }
                } else if (f.length != column.size()) {
                    // a comma inside 商品名称 or 备注 would shift the columns: refuse rather than guess
                    throw refused(what, name + " line " + (i + 1) + " has " + f.length + " fields, the header " + column.size());
                } else {
                    lines.add(f);
                }
            }
        }
        return column == null ? null : new Csv(name, column, lines, comments);
    }

    private static void require(Csv csv, List<String> columns, String what) {
        for (String needed : columns) {
            if (!csv.column().containsKey(needed)) {
                throw refused(what, csv.name() + " has no column " + needed);
            }
        }
    }

    private static BigDecimal decimal(String text, String column, Csv csv, String what) {
        try {
            return new BigDecimal(text.isEmpty() ? "0" : text);
        } catch (NumberFormatException e) {
            throw refused(what, csv.name() + " has " + column + " '" + text + "', not an amount");
        }
    }

    private static Instant time(String text, Csv csv, String what) {
        try {
            return LocalDateTime.parse(text, TIME).atZone(BEIJING).toInstant();
        } catch (DateTimeParseException e) {
            throw refused(what, csv.name() + " has 完成时间 '" + text + "', not yyyy-MM-dd HH:mm:ss");
        }
    }

    private static void check(String what, String file, String total, BigDecimal rows, BigDecimal stated) {
        if (rows.compareTo(stated) != 0) {
            throw refused(what, "does not add up: the rows of " + file + " make " + total + " " + rows.toPlainString()
                    + ", the file states " + stated.toPlainString());
        }
    }

    private static PermanentConnectorException refused(String what, String why) {
        return new PermanentConnectorException(AlipayGateway.CONNECTOR, what + " " + why);
    }
}
