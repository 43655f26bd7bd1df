package io.crmhub.connector.payment.wechatpay;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.PaymentStatementSource;
import io.crmhub.routing.PermanentConnectorException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * WeChat Pay's trade bill of a day as a statement: {@code GET /v3/bill/tradebill?bill_date=…&bill_type=ALL} (signed,
 * its answer verified), then the file at its {@code download_url} (signed request, unsigned answer), whose SHA1 must
 * be the {@code hash_value} of step 1 (compared in constant time). {@code NO_STATEMENT_EXIST} is a day without trades;
 * {@code STATEMENT_CREATING} is "not yet" (bills are made after 10:00 Beijing time the next day).
 */
public class WechatPayStatements implements PaymentStatementSource {
    private final WechatPayGateway gateway;
    private final WechatPayProperties properties;

    public WechatPayStatements(WechatPayGateway gateway, WechatPayProperties properties) {
        this.gateway = gateway;
        this.properties = properties;
    }

    @Override
    public String provider() {
        return WechatPayNotificationVerifier.PROVIDER;
    }

    @Override
    public ZoneId zone() {
        return WechatPayTradeBill.BEIJING;
    }

    @Override
    public Statement statement(LocalDate day) {
        String what = "WeChat Pay trade bill of " + day;
        JsonNode answer;
        try {
            answer = gateway.get("/v3/bill/tradebill?bill_date=" + day + "&bill_type=ALL");
        } catch (PermanentConnectorException e) {
            if (e.getMessage() != null && e.getMessage().contains("NO_STATEMENT_EXIST")) {
                return new Statement(provider(), day, List.of(), properties.feeRate());
            }
            if (e.getMessage() != null && e.getMessage().contains("STATEMENT_CREATING")) {
                throw new StatementNotReadyException(what + " is still being made (STATEMENT_CREATING); try again later");
            }
            throw e;
        }
        String url = answer.path("download_url").asText("");
        String hash = answer.path("hash_value").asText("");
        if (url.isEmpty() || !"SHA1".equalsIgnoreCase(answer.path("hash_type").asText(""))) {
            throw new PermanentConnectorException(WechatPayGateway.CONNECTOR, what + ": the answer has no download_url or no SHA1 hash: " + answer);
        }
        byte[] file = gateway.download(URI.create(url));
        if (!MessageDigest.isEqual(sha1(file).getBytes(StandardCharsets.US_ASCII), hash.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
            throw new PermanentConnectorException(WechatPayGateway.CONNECTOR, what + ": the downloaded file's SHA1 is not the hash_value "
                    + "WeChat Pay stated; refused");
        }
        return new Statement(provider(), day, WechatPayTradeBill.parse(file, what), properties.feeRate());
    }

    static String sha1(byte[] file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(file));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
