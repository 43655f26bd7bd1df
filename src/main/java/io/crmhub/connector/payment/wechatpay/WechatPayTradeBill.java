package io.crmhub.connector.payment.wechatpay;

import io.crmhub.crm.canonical.PaymentStatementSource.Kind;
import io.crmhub.crm.canonical.PaymentStatementSource.Row;
import io.crmhub.routing.PermanentConnectorException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A WeChat Pay trade bill ({@code bill_type=ALL}) read into statement rows (docs/connectors/wechatpay.md, "Daily
 * statement"): a header line, detail lines whose every field is prefixed with a backtick, a summary header
 * ({@code 总交易单数,…}) and one summary line. Columns are found by their header name. A payment is a row with 交易状态
 * {@code SUCCESS} (our reference in 商户订单号, the amount in 订单金额); a refund one with {@code REFUND} (our refund
 * reference in 商户退款单号, the amount in 申请退款金额). The file is refused, never half-read, when a line has another
 * field count than the header or the summary does not add up (count, settled total, refund total, fee total).
 */
final class WechatPayTradeBill {
    static final ZoneId BEIJING = ZoneId.of("Asia/Shanghai");
    static final List<String> HEADER = List.of("交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号",
            "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "微信退款单号", "商户退款单号", "退款金额",
            "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率", "订单金额", "申请退款金额", "费率备注");
    static final List<String> SUMMARY = List.of("总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额", "手续费总金额", "订单总金额",
            "申请退款总金额");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private WechatPayTradeBill() {
    }

    static List<Row> parse(byte[] file, String what) {
        String text = new String(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\r?\n");
        if (lines.length < 3) {
            throw refused(what, "has " + lines.length + " lines, not a header, details and a summary");
        }
        Map<String, Integer> column = columns(lines[0].split(",", -1), what);
        int summaryAt = -1;
        List<String[]> details = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("总交易单数")) {
                summaryAt = i;
                break;
            }
            if (!lines[i].isBlank()) {
                details.add(fields(lines[i], column.size(), what, i + 1));
            }
        }
        if (summaryAt < 0 || summaryAt + 1 >= lines.length) {
            throw refused(what, "has no summary (总交易单数 …)");
        }
        Map<String, Integer> summaryColumn = columns(lines[summaryAt].split(",", -1), what);
        String[] summary = fields(lines[summaryAt + 1], summaryColumn.size(), what, summaryAt + 2);

        List<Row> rows = new ArrayList<>();
        BigDecimal settled = BigDecimal.ZERO;
        BigDecimal refunded = BigDecimal.ZERO;
        BigDecimal fees = BigDecimal.ZERO;
        for (String[] f : details) {
            String state = f[column.get("交易状态")];
            String currency = f[column.get("货币种类")];
            BigDecimal fee = decimal(f[column.get("手续费")], "手续费", what);
            settled = settled.add(decimal(f[column.get("应结订单金额")], "应结订单金额", what));
            refunded = refunded.add(decimal(f[column.get("退款金额")], "退款金额", what));
            fees = fees.add(fee);
            java.time.Instant at = time(f[column.get("交易时间")], what);
            String paymentReference = f[column.get("商户订单号")];
            switch (state) {
                case "SUCCESS" -> rows.add(new Row(Kind.PAYMENT, paymentReference, f[column.get("微信订单号")], paymentReference,
                        decimal(f[column.get("订单金额")], "订单金额", what), fee, currency, at));
                case "REFUND" -> rows.add(new Row(Kind.REFUND, f[column.get("商户退款单号")], f[column.get("微信退款单号")], paymentReference,
                        decimal(f[column.get("申请退款金额")], "申请退款金额", what), fee.abs(), currency, at));
                default -> { } // REVOKED and the like move no money
            }
        }
        check(what, "总交易单数", new BigDecimal(details.size()), decimal(summary[summaryColumn.get("总交易单数")], "总交易单数", what));
        check(what, "应结订单总金额", settled, decimal(summary[summaryColumn.get("应结订单总金额")], "应结订单总金额", what));
        check(what, "退款总金额", refunded, decimal(summary[summaryColumn.get("退款总金额")], "退款总金额", what));
        check(what, "手续费总金额", fees, decimal(summary[summaryColumn.get("手续费总金额")], "手续费总金额", what));
        return rows;
    }

    private static Map<String, Integer> columns(String[] header, String what) {
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            column.put(header[i].strip(), i);
        }
        for (String needed : List.of("交易时间", "微信订单号", "商户订单号", "交易状态", "货币种类", "应结订单金额", "微信退款单号",
                "商户退款单号", "退款金额", "手续费", "订单金额", "申请退款金额")) {
            if (header.length > 10 && !column.containsKey(needed)) {
                throw refused(what, "has no column " + needed + " (an ALL bill is needed)");
            }
        }
        return column;
    }

    /** Every field starts with a backtick; split on ",`" so a comma inside a field followed by no backtick is harmless. */
    private static String[] fields(String line, int expected, String what, int lineNo) {
        if (!line.startsWith("`")) {
            throw refused(what, "line " + lineNo + " does not start with a backtick");
        }
        String[] f = line.substring(1).split(",`", -1);
        if (f.length != expected) {
            throw refused(what, "line " + lineNo + " has " + f.length + " fields, the header " + expected);
        }
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i].strip();
        }
        return f;
    }

    private static BigDecimal decimal(String text, String column, String what) {
        try {
            return new BigDecimal(text.isEmpty() ? "0" : text);
        } catch (NumberFormatException e) {
            throw refused(what, "has " + column + " '" + text + "', not an amount");
        }
    }

    private static java.time.Instant time(String text, String what) {
        try {
            return LocalDateTime.parse(text, TIME).atZone(BEIJING).toInstant();
        } catch (DateTimeParseException e) {
            throw refused(what, "has 交易时间 '" + text + "', not yyyy-MM-dd HH:mm:ss");
        }
    }

    private static void check(String what, String total, BigDecimal lines, BigDecimal stated) {
        if (lines.compareTo(stated) != 0) {
            throw refused(what, "does not add up: its lines make " + total + " " + lines.toPlainString() + ", the summary says "
                    + stated.toPlainString());
        }
    }

    private static PermanentConnectorException refused(String what, String why) {
        return new PermanentConnectorException(WechatPayGateway.CONNECTOR, what + " " + why);
    }
}
