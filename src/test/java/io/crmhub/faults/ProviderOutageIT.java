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
import org.junit.jupiter.api.Test;

/**
 * SAP is unavailable for a stretch (503 with Retry-After, connection resets, answers slower than the read timeout)
 * while customers keep being created. Retries, the circuit breaker and the automatic re-drive of transiently parked
 * messages get every customer to SAP exactly once after recovery, and nothing stays parked.
 */
class ProviderOutageIT extends HubIntegrationTest {
    private static final int CUSTOMERS = 60;
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
        long outageStart = System.currentTimeMillis();
        for (int i = 0; i < CUSTOMERS; i++) {
            ids.add(createCustomer("Outage Co " + i + " " + System.nanoTime(), uniquePhone(), "CN"));
            Thread.sleep(50);
        }
        // keep SAP down for at least 5 s in all, longer than the test profile's whole retry budget
        Thread.sleep(Math.max(0, 5000 - (System.currentTimeMillis() - outageStart)));
        long parkedDuringOutage = parkedFor(ids);
        outage.forEach(SapTestServer.wireMock()::removeStub);

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> linked(ids) == CUSTOMERS && parkedFor(ids) == 0);

        ExactlyOnce result = ExactlyOnce.check(SapTestServer.get(), ids);
        long resolved = jdbc.sql("SELECT COUNT(*) FROM parked_message WHERE flow = 'crm-to-erp.customer-upsert' AND status = 'RESOLVED'")
                .query(Long.class).single();
        System.out.printf("[provider-outage] sent=%d %s parkedDuringOutage=%d resolvedOnRedrive=%d stillParked=%d%n",
                CUSTOMERS, result, parkedDuringOutage, resolved, parkedFor(ids));
        result.assertExactlyOnce(CUSTOMERS);
        assertThat(parkedFor(ids)).isZero();
    }

    private long linked(List<Long> ids) {
        return ids.stream().filter(id -> jdbc.sql("""
                SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ? AND last_status = 'SYNCED'""")
                .param(id).query(Long.class).single() == 1).count();
    }

    private long parkedFor(List<Long> ids) {
        return ids.stream().mapToLong(id -> jdbc.sql("SELECT COUNT(*) FROM parked_message WHERE entity_key = ? AND status = 'PARKED'")
                .param("customer:" + id).query(Long.class).single()).sum();
    }
}
