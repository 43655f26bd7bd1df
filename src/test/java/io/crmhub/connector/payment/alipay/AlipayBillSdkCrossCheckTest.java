package io.crmhub.connector.payment.alipay;

import static org.assertj.core.api.Assertions.assertThat;

import com.alipay.api.internal.parser.json.ObjectJsonParser;
import com.alipay.api.internal.util.AlipaySignature;
import com.alipay.api.response.AlipayDataDataserviceBillDownloadurlQueryResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.canonical.PaymentStatementSource.Kind;
import io.crmhub.crm.canonical.PaymentStatementSource.Row;
import io.crmhub.sandbox.AlipaySandbox;
import io.crmhub.sandbox.AlipaySandboxServer;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The Alipay sandbox's trade bill as the official SDK sees it: a request signed by alipay-sdk-java is accepted, the
 * answer's signature verifies with the SDK over the {@code *_response} text, the SDK's response class reads
 * {@code bill_download_url}, and the downloaded ZIP reads back (by the connector's parser) as the trades and refunds
 * the sandbox holds, with its 0.6 % fee.
 */
class AlipayBillSdkCrossCheckTest {
    private static final AlipaySandboxServer SANDBOX = AlipaySandboxServer.start(0);
    private static final String METHOD = "alipay.data.dataservice.bill.downloadurl.query";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterAll
    static void stop() {
        SANDBOX.close();
    }

    @Test
    void theSdkSignedQueryGetsAVerifiedDownloadUrlWhoseZipReadsBackAsTheSandboxsTradesAndRefunds() throws Exception {
        LocalDate day = LocalDate.now(ZoneId.of("Asia/Shanghai")).minusDays(1);
        SANDBOX.alipay().trades().put("SDK-P1", json.createObjectNode().put("out_trade_no", "SDK-P1").put("total_amount", "176.00")
                .put("subject", "Order, with a comma").put("trade_status", "TRADE_SUCCESS").put("trade_no", "2026120122001400000000000001")
                .put("gmt_payment", day + " 10:15:30"));
        SANDBOX.alipay().refunds().put("SDK-P1-R1", json.createObjectNode().put("out_trade_no", "SDK-P1").put("out_request_no", "SDK-P1-R1")
                .put("refund_amount", "10.00").put("refund_status", "REFUND_SUCCESS").put("gmt_refund_pay", day + " 18:00:00"));

        String raw = call(day);
        String content = AlipaySignatures.responseContent(raw, METHOD.replace('.', '_') + "_response");
        String sign = json.readTree(raw).path("sign").asText();
        assertThat(AlipaySignature.rsaCheck(content, sign, base64(SANDBOX.alipay().alipayPublicKey().getEncoded()), "utf-8", "RSA2")).isTrue();
        AlipayDataDataserviceBillDownloadurlQueryResponse response =
                new ObjectJsonParser<>(AlipayDataDataserviceBillDownloadurlQueryResponse.class).parse(raw);
        assertThat(response.isSuccess()).as(response.getSubCode() + " " + response.getSubMsg()).isTrue();
        assertThat(response.getBillDownloadUrl()).startsWith(SANDBOX.baseUrl() + "/sandbox/bill-file/");

        byte[] zip = http.send(HttpRequest.newBuilder(URI.create(response.getBillDownloadUrl())).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        List<Row> rows = AlipayTradeBill.parse(zip, "sandbox bill");
        assertThat(rows).extracting(Row::kind, Row::reference, Row::paymentReference, Row::amount, Row::fee).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.PAYMENT, "SDK-P1", "SDK-P1", new BigDecimal("176.00"), new BigDecimal("1.06")),
                org.assertj.core.groups.Tuple.tuple(Kind.REFUND, "SDK-P1-R1", "SDK-P1", new BigDecimal("10.00"), new BigDecimal("0.06")));

        // a day without trades is isp.bill_not_exist, signed like every answer
        AlipayDataDataserviceBillDownloadurlQueryResponse none = new ObjectJsonParser<>(AlipayDataDataserviceBillDownloadurlQueryResponse.class)
                .parse(call(day.minusDays(30)));
        assertThat(none.getSubCode()).isEqualTo("isp.bill_not_exist");
    }

    /** The query signed by the SDK with the app's key, as a merchant's own SDK client would send it. */
    private String call(LocalDate day) throws Exception {
        Map<String, String> params = new TreeMap<>();
        params.put("app_id", AlipaySandbox.APP_ID);
        params.put("method", METHOD);
        params.put("format", "JSON");
        params.put("charset", "utf-8");
        params.put("sign_type", "RSA2");
        params.put("version", "1.0");
        params.put("timestamp", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        params.put("biz_content", json.createObjectNode().put("bill_type", "trade").put("bill_date", day.toString()).toString());
        params.put("sign", AlipaySignature.rsaSign(AlipaySignature.getSignContent(params),
                base64(SANDBOX.alipay().appPrivateKey().getEncoded()), "utf-8", "RSA2"));
        return http.send(HttpRequest.newBuilder(URI.create(SANDBOX.baseUrl() + "/gateway.do"))
                .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(AlipaySandbox.encode(params))).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String base64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }
}
