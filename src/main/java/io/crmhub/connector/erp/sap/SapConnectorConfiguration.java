package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.mapping.ValueMaps;
import io.crmhub.routing.ConnectorBreakerHealth;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.routing.http.ConnectorHttpClients;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Active when the installation's ERP is SAP ({@code crmhub.erp.provider=sap}, the default). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "crmhub.erp.provider", havingValue = "sap", matchIfMissing = true)
@EnableConfigurationProperties(SapProperties.class)
class SapConnectorConfiguration {

    @Bean
    SapODataClient sapODataClient(SapProperties properties, ObjectMapper json, ConnectorHttpClients clients) {
        return new SapODataClient(properties, json, clients);
    }

    /** Bean name is what the flow calls: {@code erp-sap-customer-sink} (routes/_shared/crm-to-erp-sink.camel.yaml). */
    @Bean("erp-sap-customer-sink")
    SapCustomerSink erpSapCustomerSink(SapODataClient client, SapCustomerMapper mapper, ValueMaps maps, SapProperties properties) {
        return new SapCustomerSink(client, mapper, maps, properties);
    }

    /** Bean name is what the flow calls: {@code erp-sap-order-sink} (routes/_shared/crm-to-erp-sink.camel.yaml). */
    @Bean("erp-sap-order-sink")
    SapOrderSink erpSapOrderSink(SapODataClient client, SapOrderMapper mapper, ValueMaps maps, SapProperties properties) {
        return new SapOrderSink(client, mapper, maps, properties);
    }

    /** Bean name is what the flow calls: {@code erp-sap-payment-sink} (routes/_shared/crm-to-erp-sink.camel.yaml). */
    @Bean("erp-sap-payment-sink")
    SapPaymentSink erpSapPaymentSink(SapODataClient client, ValueMaps maps, SapProperties properties, java.time.Clock clock) {
        return new SapPaymentSink(client, maps, properties, clock);
    }

    @Bean
    SapInvoiceSource sapInvoiceSource(SapODataClient client, ValueMaps maps) {
        return new SapInvoiceSource(client, maps);
    }

    @Bean
    SapOrderStatusSource sapOrderStatusSource(SapODataClient client, ValueMaps maps) {
        return new SapOrderStatusSource(client, maps);
    }

    @Bean
    SapSnapshot sapSnapshot(SapODataClient client, SapProperties properties, SapCustomerMapper mapper,
                            SapOrderMapper orderMapper, ValueMaps maps) {
        return new SapSnapshot(client, properties, mapper, orderMapper, maps);
    }

    @Bean("erpSapHealthIndicator")
    ConnectorBreakerHealth erpSapHealthIndicator(SapODataClient client, SapProperties properties, Clock clock, ConnectorGuards guards) {
        // can the hub reach SAP and fetch a CSRF token? cached 15 s
        return new ConnectorBreakerHealth(SapODataClient.CONNECTOR, guards, java.util.Map.of("baseUrl", properties.baseUrl().toString()),
                () -> client.ping(SapCustomerSink.SERVICE), clock, java.time.Duration.ofSeconds(15));
    }
}
