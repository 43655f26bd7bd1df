package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.ConnectorBreakerHealth;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.http.ConnectorHttpClients;
import io.crmhub.routing.mapping.ValueMaps;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Active when the installation's ERP is Kingdee K/3 Cloud ({@code crmhub.erp.provider=kingdee}). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "crmhub.erp.provider", havingValue = "kingdee")
@EnableConfigurationProperties(KingdeeProperties.class)
class KingdeeConnectorConfiguration {

    @Bean
    KingdeeClient kingdeeClient(KingdeeProperties properties, ObjectMapper json, ConnectorHttpClients clients) {
        return new KingdeeClient(properties, json, clients);
    }

    /** Bean name is what the flow calls: {@code erp-kingdee-customer-sink} (routes/_shared/crm-to-erp-sink.camel.yaml). */
    @Bean("erp-kingdee-customer-sink")
    KingdeeCustomerSink erpKingdeeCustomerSink(KingdeeClient client, KingdeeCustomerMapper mapper, ValueMaps maps,
                                               KingdeeProperties properties) {
        return new KingdeeCustomerSink(client, mapper, maps, properties);
    }

    /** Bean name is what the flow calls: {@code erp-kingdee-order-sink} (routes/_shared/crm-to-erp-sink.camel.yaml). */
    @Bean("erp-kingdee-order-sink")
    KingdeeOrderSink erpKingdeeOrderSink(KingdeeClient client, KingdeeOrderMapper mapper, ValueMaps maps,
                                         KingdeeProperties properties) {
        return new KingdeeOrderSink(client, mapper, maps, properties);
    }

    /** Bean name is what the flow calls: {@code erp-kingdee-payment-sink} (routes/_shared/crm-to-erp-sink.camel.yaml). */
    @Bean("erp-kingdee-payment-sink")
    KingdeePaymentSink erpKingdeePaymentSink(KingdeeClient client, ValueMaps maps, KingdeeProperties properties, java.time.Clock clock) {
        return new KingdeePaymentSink(client, maps, properties, clock);
    }

    @Bean
    KingdeeInvoiceSource kingdeeInvoiceSource(KingdeeClient client, KingdeeProperties properties) {
        return new KingdeeInvoiceSource(client, properties);
    }

    @Bean
    KingdeeOrderStatusSource kingdeeOrderStatusSource(KingdeeClient client, ValueMaps maps, KingdeeProperties properties) {
        return new KingdeeOrderStatusSource(client, maps, properties);
    }

    @Bean
    KingdeeSnapshot kingdeeSnapshot(KingdeeClient client, KingdeeProperties properties,
                                    KingdeeCustomerMapper mapper, KingdeeOrderMapper orderMapper, ValueMaps maps) {
        return new KingdeeSnapshot(client, properties, mapper, orderMapper, maps);
    }

    @Bean("erpKingdeeHealthIndicator")
    ConnectorBreakerHealth erpKingdeeHealthIndicator(KingdeeClient client, KingdeeProperties properties, Clock clock,
                                                     ConnectorGuards guards) {
        // can the hub reach Kingdee with its session (logging in if needed) and query? cached 15 s
        return new ConnectorBreakerHealth(KingdeeClient.CONNECTOR, guards, java.util.Map.of("baseUrl", properties.baseUrl().toString(),
                "acctId", properties.acctId()), client::ping, clock, java.time.Duration.ofSeconds(15));
    }
}
