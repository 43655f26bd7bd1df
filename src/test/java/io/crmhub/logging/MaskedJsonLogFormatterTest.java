package io.crmhub.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskedJsonLogFormatterTest {
    private final Logger logger = new LoggerContext().getLogger("io.crmhub.crm.customer.CustomerService");

    @Test
    void writesOneJsonObjectPerLineWithThePhoneAndIdNumberMasked() throws Exception {
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.WARN, "customer {} phone {} id {}",
                new IllegalStateException("lookup of +8613800138000 failed"), new Object[]{42, "+8613800138000", "110101199003074514"});
        event.setMDCPropertyMap(Map.of("camel.routeId", "crm-to-erp.customer-upsert", "correlationId", "c-1", "caller", "13800138000"));

        String line = new MaskedJsonLogFormatter().format(event);

        assertThat(line).endsWith("\n").doesNotContain("13800138000").doesNotContain("110101199003074514");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("logger").asText()).isEqualTo("io.crmhub.crm.customer.CustomerService");
        assertThat(json.path("route").asText()).isEqualTo("crm-to-erp.customer-upsert");
        assertThat(json.path("correlationId").asText()).isEqualTo("c-1");
        assertThat(json.path("message").asText()).startsWith("customer 42 phone ").isNotEqualTo(event.getFormattedMessage());
        assertThat(json.path("mdc").path("caller").asText()).isNotEmpty().isNotEqualTo("13800138000");
        assertThat(json.path("stackTrace").asText()).contains("IllegalStateException").contains("lookup of ");
        assertThat(json.path("@timestamp").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
    }

    @Test
    void leavesOutWhatTheEventDoesNotHave() throws Exception {
        LoggingEvent event = new LoggingEvent("fqcn", logger, Level.INFO, "Started", null, null);
        event.setMDCPropertyMap(Map.of());

        JsonNode json = new ObjectMapper().readTree(new MaskedJsonLogFormatter().format(event));

        assertThat(json.has("stackTrace")).isFalse();
        assertThat(json.has("route")).isFalse();
        assertThat(json.has("mdc")).isFalse();
        assertThat(json.path("message").asText()).isEqualTo("Started");
    }
}
