package io.crmhub.faults;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.support.HubIntegrationTest;
import io.crmhub.support.SapTestServer;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jms.JmsComponent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A customer SAP always refuses with 500 (and Retry-After: 1, so each retry holds its consumer for a second) is
 * parked after its retries, while the customers created right behind it reach SAP without waiting for it.
 */
class PoisonMessageIT extends HubIntegrationTest {
    private static final int OTHERS = 30;

    @Autowired
    CamelContext camel;

    @Test
    void aPoisonMessageIsParkedAfterItsRetriesWithoutHoldingUpOtherCustomers() {
        String poisonName = "Poison Pill " + System.nanoTime();
        SapTestServer.wireMock().stubFor(post(urlPathEqualTo(SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner")).atPriority(1)
                .withRequestBody(containing(poisonName))
                .willReturn(aResponse().withStatus(500).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"/IWBEP/CM_MGW_RT/022\",\"message\":{\"lang\":\"en\",\"value\":\"Dump in backend\"}}}")));
        long poison = createCustomer(poisonName, uniquePhone(), "CN");
        List<Long> others = new ArrayList<>();
        for (int i = 0; i < OTHERS; i++) {
            others.add(createCustomer("Behind The Pill " + i + " " + System.nanoTime(), uniquePhone(), "CN"));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> parkedAt(poison) != null);
        Timestamp parkedAt = parkedAt(poison);
        Timestamp lastOtherSynced = jdbc.sql("""
                SELECT MAX(occurred_at) FROM sync_journal WHERE entity_type = 'CUSTOMER' AND outcome = 'SYNCED' AND entity_id IN (%s)"""
                .formatted(String.join(",", others.stream().map(String::valueOf).toList()))).query(Timestamp.class).single();
        long othersSynced = others.stream().filter(id -> jdbc.sql(
                "SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ? AND last_status = 'SYNCED'")
                .param(id).query(Long.class).single() == 1).count();
        int attempts = jdbc.sql("SELECT attempts FROM parked_message WHERE entity_key = ? AND flow = 'crm-to-erp.customer-upsert'")
                .param("customer:" + poison).query(Integer.class).single();
        String reason = jdbc.sql("SELECT reason FROM parked_message WHERE entity_key = ?").param("customer:" + poison).query(String.class).single();
        System.out.printf("[poison-message] sent=%d delivered=%d parked=1 attempts=%d othersDoneBeforePark=%s%n",
                OTHERS + 1, othersSynced, attempts, lastOtherSynced != null && lastOtherSynced.before(parkedAt));

        assertThat(othersSynced).as("customers behind the poison message").isEqualTo(OTHERS);
        assertThat(lastOtherSynced).as("the others did not wait for the poison message's retries").isBefore(parkedAt);
        assertThat(attempts).isEqualTo(5);
        assertThat(reason).contains("500").contains("Dump in backend");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM external_link WHERE entity_type = 'CUSTOMER' AND entity_id = ?")
                .param(poison).query(Long.class).single()).isZero();
    }

    @Test
    void flowConsumersTakeNoPrefetchSoABusyConsumerHoldsNothingElse() {
        JmsComponent jms = camel.getComponent("jms", JmsComponent.class);
        assertThat(jms.getConfiguration().getConnectionFactory()).isInstanceOfSatisfying(ActiveMQConnectionFactory.class,
                cf -> assertThat(cf.getConsumerWindowSize()).isZero());
    }

    private Timestamp parkedAt(long customerId) {
        return jdbc.sql("SELECT first_failed_at FROM parked_message WHERE entity_key = ? ORDER BY id").param("customer:" + customerId)
                .query(Timestamp.class).list().stream().findFirst().orElse(null);
    }
}
