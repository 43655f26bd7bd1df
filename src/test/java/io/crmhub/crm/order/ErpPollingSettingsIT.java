package io.crmhub.crm.order;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import static org.awaitility.Awaitility.await;

import io.crmhub.crm.finance.InvoiceIngest;
import io.crmhub.routing.WatermarkPoller;
import io.crmhub.sandbox.SapSandboxServer;
import java.time.Instant;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import io.crmhub.support.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.test.context.TestPropertySource;

/**
 * The ERP pollers take their schedule and page size from their own settings: order progress from
 * {@code crmhub.orders.erp-status-*}, invoices from {@code crmhub.invoices.*} (order progress used to start after the
 * invoices' initial delay and to read 500 at a time whatever was configured).
 */
@TestPropertySource(properties = {
        "crmhub.orders.erp-status-interval=47s", "crmhub.orders.erp-status-initial-delay=31s", "crmhub.orders.erp-status-page-size=7",
        "crmhub.invoices.poll-interval=43s", "crmhub.invoices.initial-delay=29s", "crmhub.invoices.page-size=9"})
class ErpPollingSettingsIT extends HubIntegrationTest {
    /**
     * An SAP of its own (other cached hubs poll the shared one with their own page sizes), so a store of its own too:
     * on PostgreSQL a hub sharing the store relays the others' events to its own SAP.
     */
    private static final SapSandboxServer SAP = SapSandboxServer.start(0, SapTestServer.USER, SapTestServer.PASSWORD);

    @DynamicPropertySource
    static void ownSap(DynamicPropertyRegistry registry) {
        registry.add("crmhub.test.sap-url", SAP::baseUrl);
        TestDatabases.own(registry, "erp-polling-settings");
    }

    @Autowired
    WatermarkPoller poller;
    @Autowired
    List<ScheduledTaskHolder> holders;
    @Autowired
    ErpOrderProgress orderProgress;
    @Autowired
    InvoiceIngest invoices;

    @Test
    void eachPollerIsScheduledWithItsOwnIntervalAndInitialDelay() {
        Map<Duration, Duration> initialDelayByInterval = holders.stream().flatMap(h -> h.getScheduledTasks().stream())
                .map(ScheduledTask::getTask).filter(FixedDelayTask.class::isInstance).map(FixedDelayTask.class::cast)
                .collect(Collectors.toMap(FixedDelayTask::getIntervalDuration, FixedDelayTask::getInitialDelayDuration, (a, b) -> a));

        assertThat(initialDelayByInterval).containsEntry(Duration.ofSeconds(47), Duration.ofSeconds(31))
                .containsEntry(Duration.ofSeconds(43), Duration.ofSeconds(29));
    }

    @Test
    void eachPollerReadsTheErpWithItsOwnPageSize() {
        SAP.server().resetRequests();

        orderProgress.poll();
        invoices.poll();

        assertThat(tops("/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder")).isNotEmpty().containsOnly("7");
        assertThat(tops("/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument")).isNotEmpty().containsOnly("9");
    }

    @Test
    void aRewindPollsTheErpAtOnceThroughTheRegisteredPollers() {
        SAP.server().resetRequests();

        poller.rewind("erp-order-status:", Instant.EPOCH);
        invoices.rewind(Instant.EPOCH);

        // the schedules start after about half a minute; only the rewind can have asked this soon
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(tops("/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder")).isNotEmpty();
            assertThat(tops("/sap/opu/odata/sap/API_BILLING_DOCUMENT_SRV/A_BillingDocument")).isNotEmpty();
        });
    }

    private static List<String> tops(String path) {
        return SAP.server().findAll(getRequestedFor(urlPathMatching(path))).stream()
                .map(LoggedRequest::getUrl).map(url -> url.replaceAll(".*[?&]\\$top=(\\d+).*", "$1")).toList();
    }
}
