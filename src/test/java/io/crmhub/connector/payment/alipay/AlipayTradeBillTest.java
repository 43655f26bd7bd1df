package io.crmhub.connector.payment.alipay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmhub.crm.canonical.PaymentStatementSource.Kind;
import io.crmhub.crm.canonical.PaymentStatementSource.Row;
import io.crmhub.routing.PermanentConnectorException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The trade bill as docs/connectors/alipay.md describes it: a ZIP of two GBK CSVs, {@code #} comments, fields with a
 * trailing tab, columns by header name, totals in the detail trailer and the summary's 合计 line.
 */
class AlipayTradeBillTest {
    private static final String HEADER = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
            + "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,"
            + "卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注";
    private static final String PAYMENT = "2026120122001458860515315453\t,SO-0000000001-P1\t,交易\t,Order SO-0000000001,2026-12-01 10:15:00,"
            + "2026-12-01 10:15:30,,,,,152****0000,176.00,176.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,\t,-1.06,0.00,Order SO-0000000001";
    private static final String REFUND = "2026120122001458860515315453\t,SO-0000000001-P1\t,退款\t,Order SO-0000000001,2026-12-01 10:15:00,"
            + "2026-12-01 18:00:00,,,,,152****0000,-10.00,-10.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,SO-0000000001-P1-R1\t,0.06,0.00,"
            + "Order SO-0000000001";
    private static final String SUMMARY_HEADER = "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,"
            + "商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）";

    private static String detail(String trailer, String... rows) {
        return "#支付宝业务明细查询\n#账号：[20880000000000010156]\n#起始日期：[2026年12月01日 00:00:00]   终止日期：[2026年12月02日 00:00:00]\n"
                + "#-----------------------------------------业务明细列表----------------------------------------\n"
                + HEADER + "\n" + String.join("\n", rows) + "\n"
                + "#-----------------------------------------业务明细列表结束------------------------------------\n"
                + trailer + "#导出时间：[2026年12月02日 05:46:49]\n";
    }

    private static String summary(String total) {
        return "#支付宝业务汇总查询\n#账号：[20880000000000010156]\n" + SUMMARY_HEADER + "\n" + total + "\n#导出时间：[2026年12月02日 05:46:49]\n";
    }

    static byte[] zip(String detail, String summary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out, AlipayTradeBill.GBK)) {
            zip.putNextEntry(new ZipEntry("20880000000000010156_20261201_业务明细.csv"));
            zip.write(detail.getBytes(AlipayTradeBill.GBK));
            if (summary != null) {
                zip.putNextEntry(new ZipEntry("20880000000000010156_20261201_业务明细(汇总).csv"));
                zip.write(summary.getBytes(AlipayTradeBill.GBK));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static final String TRAILER = "#交易合计：1笔，商家实收共176.00元，商家优惠共0.00元\n#退款合计：1笔，商家实收退款共-10.00元，商家优惠退款共0.00元\n";
    private static final String TOTAL = "合计\t,,1,1,166.00,166.00,0.00,0.00,0.00,-1.00,0.00,165.00";

    @Test
    void tradeAndRefundRowsBecomeStatementRowsWithOurReferencesPositiveAmountsFeesAndBeijingTimes() {
        List<Row> rows = AlipayTradeBill.parse(zip(detail(TRAILER, PAYMENT, REFUND), summary(TOTAL)), "bill");
        assertThat(rows).containsExactly(
                new Row(Kind.PAYMENT, "SO-0000000001-P1", "2026120122001458860515315453", "SO-0000000001-P1",
                        new BigDecimal("176.00"), new BigDecimal("1.06"), "CNY", Instant.parse("2026-12-01T02:15:30Z")),
                // the hub keeps a refund's out_request_no as its provider refund id: Alipay has no other refund id
                new Row(Kind.REFUND, "SO-0000000001-P1-R1", "SO-0000000001-P1-R1", "SO-0000000001-P1",
                        new BigDecimal("10.00"), new BigDecimal("0.06"), "CNY", Instant.parse("2026-12-01T10:00:00Z")));
    }

    @Test
    void columnsAreFoundByNameAndTheSummaryFileIsOptional() {
        String reordered = HEADER.replace("支付宝交易号,商户订单号", "商户订单号,支付宝交易号");
        String row = PAYMENT.replace("2026120122001458860515315453\t,SO-0000000001-P1\t", "SO-0000000001-P1\t,2026120122001458860515315453\t");
        String file = detail("#交易合计：1笔，商家实收共176.00元，商家优惠共0.00元\n", row).replace(HEADER, reordered);
        assertThat(AlipayTradeBill.parse(zip(file, null), "bill")).singleElement()
                .satisfies(r -> assertThat(r.providerId()).isEqualTo("2026120122001458860515315453"));
    }

    @Test
    void anotherBusinessTypeIsNoRowOfOursButCountsInTheSummaryTotals() {
        String other = PAYMENT.replace("交易\t", "预授权\t").replace("SO-0000000001-P1", "AUTH-1").replace(",176.00,176.00,", ",5.00,5.00,")
                .replace("-1.06", "0.00");
        List<Row> rows = AlipayTradeBill.parse(zip(detail(TRAILER, PAYMENT, other, REFUND), summary(TOTAL.replace("166.00,166.00", "171.00,171.00"))),
                "bill");
        assertThat(rows).extracting(Row::reference).containsExactly("SO-0000000001-P1", "SO-0000000001-P1-R1");
    }

    @Test
    void rowsThatDoNotAddUpToTheTrailerOrTheSummaryAreRefusedNamingTheTotal() {
        assertThatThrownBy(() -> AlipayTradeBill.parse(zip(detail(TRAILER.replace("176.00元", "176.01元"), PAYMENT, REFUND), null), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("交易合计 商家实收");
        assertThatThrownBy(() -> AlipayTradeBill.parse(zip(detail(TRAILER.replace("退款合计：1笔", "退款合计：2笔"), PAYMENT, REFUND), null), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("退款合计 笔数");
        assertThatThrownBy(() -> AlipayTradeBill.parse(zip(detail(TRAILER, PAYMENT, REFUND), summary(TOTAL.replace("-1.00", "-1.01"))), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("服务费（元）").hasMessageContaining("业务明细(汇总)");
        assertThatThrownBy(() -> AlipayTradeBill.parse(zip(detail(TRAILER, PAYMENT, REFUND), summary(TOTAL.replace(",1,1,", ",2,1,"))), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("交易订单总笔数");
    }

    @Test
    void aShiftedLineOrSomethingThatIsNotAZipIsRefused() {
        assertThatThrownBy(() -> AlipayTradeBill.parse(zip(detail(TRAILER, PAYMENT.replace("Order SO-0000000001,", "Order, SO-0000000001,")), null), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("has 26 fields, the header 25");
        assertThatThrownBy(() -> AlipayTradeBill.parse("<html>下载超时，请重新下载</html>".getBytes(StandardCharsets.UTF_8), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("not a ZIP");
        assertThatThrownBy(() -> AlipayTradeBill.parse(zip(summary(TOTAL), null), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("no 业务明细");
    }
}
