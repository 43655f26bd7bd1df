package io.crmhub.connector.payment.wechatpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmhub.crm.canonical.PaymentStatementSource.Kind;
import io.crmhub.crm.canonical.PaymentStatementSource.Row;
import io.crmhub.routing.PermanentConnectorException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trade bill format as WeChat Pay documents it (docs/connectors/wechatpay.md): backticks, header names, summary totals. */
class WechatPayTradeBillTest {
    private static final String HEADER = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
            + "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
    private static final String PAYMENT = "`2026-12-01 10:15:30,`wx8888888888888888,`1900000109,`0,`,`4200000001202612011234567890,"
            + "`SO-0000000001-P1,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`SUCCESS,`OTHERS,`CNY,`176.00,`0.00,`0,`0,`0.00,`0.00,`,`,"
            + "`Order SO-0000000001,`,`1.06000,`0.60%,`176.00,`0.00,`";
    private static final String REFUND = "`2026-12-01 18:00:00,`wx8888888888888888,`1900000109,`0,`,`4200000001202612011234567890,"
            + "`SO-0000000001-P1,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300000012026120100000001,"
            + "`SO-0000000001-P1-R1,`10.00,`0.00,`ORIGINAL,`SUCCESS,`Order SO-0000000001,`,`-0.06000,`0.60%,`0.00,`10.00,`";
    private static final String SUMMARY_HEADER = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";

    private static byte[] bill(String summary, String... details) {
        return ("\uFEFF" + HEADER + "\n" + String.join("\n", details) + "\n" + SUMMARY_HEADER + "\n" + summary + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void paymentAndRefundRowsBecomeStatementRowsWithOurReferencesAmountsFeesAndBeijingTimes() {
        List<Row> rows = WechatPayTradeBill.parse(bill("`2,`176.00,`10.00,`0.00,`1.00000,`176.00,`10.00", PAYMENT, REFUND), "bill");
        assertThat(rows).containsExactly(
                new Row(Kind.PAYMENT, "SO-0000000001-P1", "4200000001202612011234567890", "SO-0000000001-P1",
                        new java.math.BigDecimal("176.00"), new java.math.BigDecimal("1.06000"), "CNY", Instant.parse("2026-12-01T02:15:30Z")),
                new Row(Kind.REFUND, "SO-0000000001-P1-R1", "50300000012026120100000001", "SO-0000000001-P1",
                        new java.math.BigDecimal("10.00"), new java.math.BigDecimal("0.06000"), "CNY", Instant.parse("2026-12-01T10:00:00Z")));
    }

    @Test
    void aBillWhoseSummaryDoesNotAddUpIsRefusedNotHalfRead() {
        assertThatThrownBy(() -> WechatPayTradeBill.parse(bill("`2,`176.00,`10.00,`0.00,`1.01000,`176.00,`10.00", PAYMENT, REFUND), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("手续费总金额");
        assertThatThrownBy(() -> WechatPayTradeBill.parse(bill("`3,`176.00,`10.00,`0.00,`1.00000,`176.00,`10.00", PAYMENT, REFUND), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("总交易单数");
    }

    @Test
    void aLineWithAnotherFieldCountOrNoBacktickIsRefusedNamingTheLine() {
        assertThatThrownBy(() -> WechatPayTradeBill.parse(bill("`1,`176.00,`0.00,`0.00,`1.06000,`176.00,`0.00", PAYMENT + ",`extra"), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("line 2 has 28 fields, the header 27");
        assertThatThrownBy(() -> WechatPayTradeBill.parse(bill("`1,`176.00,`0.00,`0.00,`1.06000,`176.00,`0.00", PAYMENT.substring(1)), "bill"))
                .isInstanceOf(PermanentConnectorException.class).hasMessageContaining("line 2 does not start with a backtick");
        assertThatThrownBy(() -> WechatPayTradeBill.parse("nothing".getBytes(StandardCharsets.UTF_8), "bill"))
                .isInstanceOf(PermanentConnectorException.class);
    }

    @Test
    void theFilesSha1IsWhatStepOneStatesLowerCaseHex() {
        assertThat(WechatPayStatements.sha1("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
    }
}
