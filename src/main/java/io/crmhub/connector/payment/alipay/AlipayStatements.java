package io.crmhub.connector.payment.alipay;

import io.crmhub.crm.canonical.PaymentStatementSource;
import io.crmhub.routing.PermanentConnectorException;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

/**
 * Alipay's trade bill of a day as a statement: {@code alipay.data.dataservice.bill.downloadurl.query} with
 * {@code bill_type=trade} (signed, its answer verified, as every gateway call), then a plain GET of the
 * {@code bill_download_url} (valid for 30 s, so fetched at once), read by {@link AlipayTradeBill}.
 * {@code isp.bill_not_exist} means "no trades that day" and also "not generated yet" (bills are made by about 09:00 the
 * next day, Beijing time): before 10:00 the next day it is "not yet", afterwards an empty day, as is
 * {@code bill_file_code=EMPTY_DATA_WITH_BILL_FILE}.
 */
public class AlipayStatements implements PaymentStatementSource {
    static final String METHOD = "alipay.data.dataservice.bill.downloadurl.query";
    private static final Set<String> NO_BILL = Set.of("isp.bill_not_exist", "BILL_NOT_EXIST");
    private static final LocalTime READY_BY = LocalTime.of(10, 0);

    private final AlipayGateway gateway;
    private final AlipayProperties properties;
    private final Clock clock;

    public AlipayStatements(AlipayGateway gateway, AlipayProperties properties, Clock clock) {
        this.gateway = gateway;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return AlipayNotificationVerifier.PROVIDER;
    }

    @Override
    public ZoneId zone() {
        return AlipayTradeBill.BEIJING;
    }

    @Override
    public Statement statement(LocalDate day) {
        String what = "Alipay trade bill of " + day;
        AlipayGateway.Answer answer = gateway.call(METHOD, com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("bill_type", "trade").put("bill_date", day.toString()));
        if (!answer.ok()) {
            if (NO_BILL.contains(answer.subCode())) {
                if (ZonedDateTime.now(clock.withZone(zone())).isBefore(day.plusDays(1).atTime(READY_BY).atZone(zone()))) {
                    throw new StatementNotReadyException(what + " is not there yet (" + answer.subCode() + " before "
                            + READY_BY + " the next day); try again later");
                }
                return empty(day);
            }
            throw new PermanentConnectorException(AlipayGateway.CONNECTOR, "Alipay refused " + what + ": " + answer.describe());
        }
        if ("EMPTY_DATA_WITH_BILL_FILE".equals(answer.body().path("bill_file_code").asText(""))) {
            return empty(day);
        }
        String url = answer.body().path("bill_download_url").asText("");
        if (url.isEmpty()) {
            throw new PermanentConnectorException(AlipayGateway.CONNECTOR, what + ": the answer has no bill_download_url: " + answer.body());
        }
        byte[] file = gateway.download(URI.create(url));
        return new Statement(provider(), day, AlipayTradeBill.parse(file, what), properties.feeRate());
    }

    private Statement empty(LocalDate day) {
        return new Statement(provider(), day, List.of(), properties.feeRate());
    }
}
