package io.crmhub.crm.finance;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.sandbox.MailSandbox;
import io.crmhub.sandbox.ProviderSandboxes;
import io.crmhub.sandbox.SapSandboxServer;
import io.crmhub.sandbox.WecomRobotSandboxServer;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import io.crmhub.support.TestDatabases;
import jakarta.mail.internet.MimeMessage;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Finance's reminders (D50) through the mail sandbox (GreenMail SMTP) and the WeCom group robot sandbox: one digest
 * per channel and day whatever is asked, an immediate alert once per item at or above the threshold, a failed send
 * recorded and sent on the next try.
 */
class FinanceRemindersIT extends HubIntegrationTest {
    private static final SapSandboxServer SAP = SapSandboxServer.start(0, SapTestServer.USER, SapTestServer.PASSWORD);
    private static final MailSandbox MAIL = MailSandbox.start(0, 0);
    private static final WecomRobotSandboxServer ROBOT = WecomRobotSandboxServer.start(0);
    @Autowired
    InvoiceIngest ingest;
    @Autowired
    OverdueInvoices overdue;
    @Autowired
    FinanceReminders reminders;

    @DynamicPropertySource
    static void channels(DynamicPropertyRegistry registry) {
        registry.add("crmhub.test.sap-url", SAP::baseUrl);
        TestDatabases.own(registry, "reminders");
        MAIL.hubProperties().forEach((k, v) -> registry.add(k, () -> v));
        ROBOT.hubProperties().forEach((k, v) -> registry.add(k, () -> v));
        registry.add("crmhub.reminders.alert-above", () -> "100");
        registry.add("crmhub.reminders.alert-interval", () -> "1h"); // the test asks
        registry.add("crmhub.invoices.initial-delay", () -> "1h");
    }

    @Test
    void financeGetsOneDigestADayAndOneAlertPerLargeItemOnEachChannelAndAFailedSendIsSentNextTime() {
        SyncedOrder order = confirmedOrderInErp("Reminded Co"); // 176.00
        String number = SAP.sap().issueInvoice(order.externalId());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            ingest.poll();
            return jdbc.sql("SELECT COUNT(*) FROM invoice WHERE invoice_number = ?").param(number).query(Long.class).single() == 1;
        });
        jdbc.sql("UPDATE invoice SET due_date = ? WHERE invoice_number = ?").params(Date.valueOf(LocalDate.now().minusDays(4)), number).update();
        overdue.check();
        notify(PaymentNotification.Kind.PAYMENT_SUCCEEDED, "NOBODYS-" + System.nanoTime(), transactionId(), "50.00"); // a review of 50.00
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT COUNT(*) FROM finance_review WHERE kind = 'UNKNOWN_ORDER'")
                .query(Long.class).single() == 1);

        // the robot is down for the first digest: e-mail gets it, the robot's try is recorded as failed
        ROBOT.server().stubFor(post(urlPathEqualTo("/cgi-bin/webhook/send")).atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertThat(json(call("finance", HttpMethod.POST, "/api/finance/reminders/digest", null)).path("channels").toString())
                .isEqualTo("{\"email\":\"SENT\",\"wecom\":\"FAILED\"}");
        ProviderSandboxes.removePlantedStubs(ROBOT.server());
        assertThat(reminders.digest().channels()).isEqualTo(Map.of("email", "ALREADY_SENT", "wecom", "SENT"));
        assertThat(reminders.digest().channels()).as("one a day").isEqualTo(Map.of("email", "ALREADY_SENT", "wecom", "ALREADY_SENT"));
        assertThat(MAIL.received()).hasSize(1);
        MimeMessage digest = MAIL.received()[0];
        assertThat(subject(digest)).startsWith("[CRM Hub] Finance digest").contains("1 overdue invoice(s), 1 open review(s)");
        assertThat(body(digest)).contains("invoice " + number + " open 176.00 CNY").contains("UNKNOWN_ORDER 50.00 CNY");
        assertThat(ROBOT.robot().messages()).singleElement().satisfies(m ->
                assertThat(m.path("content").asText()).startsWith("**Finance digest").contains("> - invoice " + number));

        // alerts: the 176.00 invoice is at or above 100, the 50.00 review is not; once only
        assertThat(reminders.alerts().channels()).isEqualTo(Map.of("email", "SENT", "wecom", "SENT"));
        assertThat(reminders.alerts().channels()).isEmpty();
        assertThat(MAIL.received()).hasSize(2);
        assertThat(body(MAIL.received()[1])).contains(number).doesNotContain("UNKNOWN_ORDER");
        assertThat(ROBOT.robot().messages()).hasSize(2);

        JsonNode log = json(call("finance", HttpMethod.GET, "/api/finance/reminders", null));
        assertThat(log.toString()).contains("\"kind\":\"ALERT\"").contains("\"subject\":\"digest:");
        assertThat(call("sales", HttpMethod.POST, "/api/finance/reminders/digest", null).getStatusCode().value()).isEqualTo(403);
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String body(MimeMessage m) {
        return com.icegreen.greenmail.util.GreenMailUtil.getBody(m);
    }
}
