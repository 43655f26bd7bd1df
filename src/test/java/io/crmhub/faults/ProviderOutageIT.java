package io.crmhub.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * SAP is unavailable for a stretch (503 with Retry-After, connection resets, answers slower than the read timeout)
 * while customers keep being created. Retries, the circuit breaker and the automatic re-drive of transiently parked
 * messages get every customer to SAP exactly once after recovery, and nothing stays parked.
 */
class ProviderOutageIT extends HubIntegrationTest {
    private static final int CUSTOMERS = 60;
    /** crmhub.flows.customer-upsert.consumers */
    private static final int CONSUMERS = 4;
    private static final String BP = SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner.*";

    @Test
    void everyCustomerCreatedDuringAnOutageReachesSapExactlyOnceAfterRecovery() throws Exception {
        List<StubMapping> outage = List.of(
                SapTestServer.wireMock().stubFor(post(urlPathMatching(BP)).atPriority(1)
                        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1").withBody("maintenance"))),
                SapTestServer.wireMock().stubFor(get(urlPathMatching(BP)).atPriority(1)
                        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))),
                SapTestServer.wireMock().stubFor(any(urlPathMatching(SapBusinessPartnerSandbox.SERVICE_PATH + "?")).atPriority(1)
                        .willReturn(aResponse().withStatus(504).withFixedDelay(300))));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            ids.add(createCustomer("Outage Co " + i + " " + System.nanoTime(), uniquePhone(), "CN"));
            Thread.sleep(50);
        }
        // SAP stays down until each of the flow's consumers has spent a message's whole retry budget (a few seconds in
        // the test profile; retries hold the consumer) and parked it
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> parkedFor(ids) >= CONSUMERS);
        Set<Long> parkedDuringOutage = ids.stream().filter(id -> parkedFor(List.of(id)) > 0).collect(Collectors.toSet());
        outage.forEach(SapTestServer.wireMock()::removeStub);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                // a re-driven message is marked RESOLVED just after its flow linked the customer: wait for both
                .until(() -> linked(ids) == CUSTOMERS && parkedFor(ids) == 0 && inFlightReplays(ids) == 0);

        ExactlyOnce result = ExactlyOnce.check(SapTestServer.get(), ids);
        Set<Long> resolved = ids.stream().filter(id -> jdbc.sql("""
                        SELECT COUNT(*) FROM parked_message WHERE entity_key = ? AND flow = 'crm-to-erp.customer-upsert' AND status = 'RESOLVED'""")
                .param("customer:" + id).query(Long.class).single() > 0).collect(Collectors.toSet());
        System.out.printf("[provider-outage] sent=%d %s parkedDuringOutage=%d resolvedOnRedrive=%d stillParked=%d%n",
                CUSTOMERS, result, parkedDuringOutage.size(), resolved.size(), parkedFor(ids));
        result.assertExactlyOnce(CUSTOMERS);
        assertThat(parkedDuringOutage).as("the outage outlasted the retry budget: customers were parked, not retried forever")
                .hasSizeGreaterThanOrEqualTo(CONSUMERS);
        assertThat(resolved).as("each customer parked during the outage was re-driven and its parked message resolved")
                .containsAll(parkedDuringOutage);
        assertThat(parkedFor(ids)).isZero();
    }

    private long linked(List<Long> ids) {
        return ids.stream().filter(id -> jdbc.sql("""
                SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ? AND last_status = 'SYNCED'""")
                .param(id).query(Long.class).single() == 1).count();
    }

    private long inFlightReplays(List<Long> ids) {
        return ids.stream().mapToLong(id -> jdbc.sql("SELECT COUNT(*) FROM parked_message WHERE entity_key = ? AND status = 'REPLAYED'")
                .param("customer:" + id).query(Long.class).single()).sum();
    }

    private long parkedFor(List<Long> ids) {
        return ids.stream().mapToLong(id -> jdbc.sql("SELECT COUNT(*) FROM parked_message WHERE entity_key = ? AND status = 'PARKED'")
                .param("customer:" + id).query(Long.class).single()).sum();
    }
}
