package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.Charset;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The Alipay sandbox's trade bills (docs/connectors/alipay.md, "Daily statement"): a ZIP with the GBK CSVs
 * {@code <PID>0156_<yyyyMMdd>_业务明细.csv} and {@code …_业务明细(汇总).csv} in the documented layout — {@code #} preamble
 * and trailer (交易合计 / 退款合计), identifiers with a trailing tab, amounts in yuan, refunds negative, the fee
 * negative on trades and returned (positive) on refunds — kept under a random token for the download. Its own code,
 * written from the documented layout, not the connector's parser (D19).
 */
final class AlipaySandboxBills {
    static final BigDecimal FEE_RATE = new BigDecimal("0.006");
    private static final Charset GBK = Charset.forName("GBK");
    private static final String ACCOUNT = AlipaySandbox.SELLER_ID + "0156";
    private static final String HEADER = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
            + "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,"
            + "卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";
    private static final String SUMMARY_HEADER = "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,"
            + "商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）";

    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> edits = new ConcurrentHashMap<>();

    void edit(String reference, ObjectNode edit) {
        edits.put(reference, edit);
    }

    /** The download: a ZIP, unsigned, as Alipay's bill host serves it. */
    ResponseDefinition file(String token) {
        byte[] file = files.get(token);
        if (file == null) { // Alipay answers an HTML page for an expired link; the connector must refuse it as not a ZIP
            return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "text/html;charset=GBK")
                    .withBody("<html><body>下载超时，请重新下载</body></html>".getBytes(GBK)).build();
        }
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/octet-stream")
                .withHeader("Content-Disposition", "attachment; filename=\"" + ACCOUNT + "_bill.csv.zip\"").withBody(file).build();
    }

    /** The bill of {@code day} under a new token, or null when nothing was paid or refunded that day. */
    String make(LocalDate day, Map<String, ObjectNode> trades, Map<String, ObjectNode> refunds) {
        List<String> rows = new ArrayList<>();
        Totals payments = new Totals();
        Totals refunded = new Totals();
        for (ObjectNode t : new TreeMap<>(trades).values()) {
            String reference = t.path("out_trade_no").asText();
            ObjectNode edit = edits.get(reference);
            if (!t.has("trade_no") || !onDay(t.path("gmt_payment").asText(), day) || dropped(edit)) {
                continue;
            }
            BigDecimal amount = edit != null && edit.has("amount") ? new BigDecimal(edit.path("amount").asText())
                    : new BigDecimal(t.path("total_amount").asText());
            BigDecimal fee = edit != null && edit.has("fee") ? new BigDecimal(edit.path("fee").asText()) : fee(amount);
            rows.add(row(t.path("trade_no").asText(), reference, "交易", t.path("subject").asText(""), t.path("gmt_payment").asText(),
                    t.path("gmt_payment").asText(), amount, "", fee.negate()));
            payments.add(amount, fee.negate());
        }
        for (Map.Entry<String, ObjectNode> e : new TreeMap<>(edits).entrySet()) { // payments only Alipay knows
            if (!trades.containsKey(e.getKey()) && !refunds.containsKey(e.getKey()) && day.toString().equals(e.getValue().path("day").asText())) {
                BigDecimal amount = new BigDecimal(e.getValue().path("amount").asText("0"));
                String at = day + " 12:00:00";
                rows.add(row(day.format(DateTimeFormatter.BASIC_ISO_DATE) + "22001" + "%015d".formatted(Math.abs(e.getKey().hashCode())),
                        e.getKey(), "交易", "", at, at, amount, "", fee(amount).negate()));
                payments.add(amount, fee(amount).negate());
            }
        }
        for (ObjectNode r : new TreeMap<>(refunds).values()) {
            String reference = r.path("out_request_no").asText();
            ObjectNode edit = edits.get(reference);
            ObjectNode trade = trades.get(r.path("out_trade_no").asText());
            if (trade == null || !"REFUND_SUCCESS".equals(r.path("refund_status").asText()) || !onDay(r.path("gmt_refund_pay").asText(), day)
                    || dropped(edit)) {
                continue;
            }
            BigDecimal amount = edit != null && edit.has("amount") ? new BigDecimal(edit.path("amount").asText())
                    : new BigDecimal(r.path("refund_amount").asText());
            rows.add(row(trade.path("trade_no").asText(), r.path("out_trade_no").asText(), "退款", trade.path("subject").asText(""),
                    trade.path("gmt_payment").asText(), r.path("gmt_refund_pay").asText(), amount.negate(), reference, fee(amount)));
            refunded.add(amount.negate(), fee(amount));
        }
        if (rows.isEmpty()) {
            return null;
        }
        String token = UUID.randomUUID().toString().replace("-", "");
        files.put(token, zip(day, detail(day, rows, payments, refunded), summary(day, payments, refunded)));
        return token;
    }

    private static boolean dropped(ObjectNode edit) {
        return edit != null && edit.path("drop").asBoolean(false);
    }

    /** Count, Σ 商家实收 and Σ 服务费 of one business type. */
    private static final class Totals {
        int count;
        BigDecimal received = BigDecimal.ZERO;
        BigDecimal fees = BigDecimal.ZERO;

        void add(BigDecimal amount, BigDecimal fee) {
            count++;
            received = received.add(amount);
            fees = fees.add(fee);
        }
    }

    private static String row(String tradeNo, String outTradeNo, String type, String subject, String created, String finished,
                              BigDecimal amount, String requestNo, BigDecimal fee) {
        String text = subject.replace(",", " ");
        return String.join(",", tradeNo + "\t", outTradeNo + "\t", type + "\t", text, created, finished, "", "", "", "",
                "159****0000", yuan(amount), yuan(amount), "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00",
                requestNo + "\t", yuan(fee), "0.00", text);
    }

    private static String detail(LocalDate day, List<String> rows, Totals payments, Totals refunded) {
        StringBuilder csv = new StringBuilder("#支付宝业务明细查询\n#账号：[" + ACCOUNT + "]\n")
                .append("#起始日期：[").append(chinese(day)).append(" 00:00:00]   终止日期：[").append(chinese(day.plusDays(1)))
                .append(" 00:00:00]\n#-----------------------------------------业务明细列表----------------------------------------\n")
                .append(HEADER).append('\n');
        rows.forEach(r -> csv.append(r).append('\n'));
        return csv.append("#-----------------------------------------业务明细列表结束------------------------------------\n")
                .append("#交易合计：").append(payments.count).append("笔，商家实收共").append(yuan(payments.received)).append("元，商家优惠共0.00元\n")
                .append("#退款合计：").append(refunded.count).append("笔，商家实收退款共").append(yuan(refunded.received))
                .append("元，商家优惠退款共0.00元\n#导出时间：[").append(chinese(day.plusDays(1))).append(" 05:46:49]\n").toString();
    }

    private static String summary(LocalDate day, Totals payments, Totals refunded) {
        BigDecimal received = payments.received.add(refunded.received);
        BigDecimal fees = payments.fees.add(refunded.fees);
        String totals = payments.count + "," + refunded.count + "," + yuan(received) + "," + yuan(received) + ",0.00,0.00,0.00,"
                + yuan(fees) + ",0.00," + yuan(received.add(fees));
        return "#支付宝业务汇总查询\n#账号：[" + ACCOUNT + "]\n#起始日期：[" + chinese(day) + " 00:00:00]   终止日期：[" + chinese(day.plusDays(1))
                + " 00:00:00]\n" + SUMMARY_HEADER + "\n,," + totals + "\n合计\t,," + totals + "\n#导出时间：[" + chinese(day.plusDays(1))
                + " 05:46:49]\n";
    }

    private static byte[] zip(LocalDate day, String detail, String summary) {
        String prefix = ACCOUNT + "_" + day.format(DateTimeFormatter.BASIC_ISO_DATE) + "_";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out, GBK)) {
            zip.putNextEntry(new ZipEntry(prefix + "业务明细.csv"));
            zip.write(detail.getBytes(GBK));
            zip.putNextEntry(new ZipEntry(prefix + "业务明细(汇总).csv"));
            zip.write(summary.getBytes(GBK));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static boolean onDay(String beijingTime, LocalDate day) {
        return beijingTime.length() >= 10 && beijingTime.substring(0, 10).equals(day.toString());
    }

    private static String chinese(LocalDate day) {
        return day.format(DateTimeFormatter.ofPattern("yyyy年MM月dd日"));
    }

    private static String yuan(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
    }

    static BigDecimal fee(BigDecimal amount) {
        return amount.multiply(FEE_RATE).setScale(2, RoundingMode.HALF_UP);
    }
}
