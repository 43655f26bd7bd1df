package io.crmhub.connector.erp.sap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.routing.PermanentConnectorException;
import io.crmhub.routing.mapping.MappingProperties;
import io.crmhub.routing.mapping.ValueMaps;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Contract test: golden canonical orders in mappings/sap/golden map to exactly their SAP sales order bodies. */
class SapOrderMapperTest {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final Path GOLDEN = Path.of("mappings/sap/golden");
    private final ValueMaps maps = new ValueMaps(new MappingProperties(null));

    private static SapProperties properties(String grossPriceCondition) {
        return new SapProperties(URI.create("http://127.0.0.1:1"), "u", "p", null, "FLCU01", "OR", "1710", "10", "00", "61", "1710",
                "DZ", "/journal", ZoneId.of("UTC"), grossPriceCondition, Duration.ofSeconds(1), Duration.ofSeconds(1), null, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"order-tax-inclusive", "order-tax-exclusive"})
    void goldenOrdersMapToTheirSalesOrderBodiesWithPriceConditionAndTaxClassification(String pair) throws Exception {
        CanonicalOrder order = JSON.readValue(Files.readString(GOLDEN.resolve(pair + ".canonical.json")), CanonicalOrder.class);
        JsonNode actual = JSON.valueToTree(new SapOrderMapperImpl().toSalesOrder(order, "1000001", maps, properties("ZPRG")));
        assertThat(actual).isEqualTo(JSON.readTree(Files.readString(GOLDEN.resolve(pair + ".sap.json"))));
    }

    @Test
    void taxInclusivePricesWithoutAGrossPriceConditionAreRefusedNamingTheSetting() throws Exception {
        CanonicalOrder order = JSON.readValue(Files.readString(GOLDEN.resolve("order-tax-inclusive.canonical.json")), CanonicalOrder.class);
        assertThatThrownBy(() -> new SapOrderMapperImpl().toSalesOrder(order, "1000001", maps, properties(null)))
                .isInstanceOf(PermanentConnectorException.class)
                .hasMessageContaining("tax-inclusive prices").hasMessageContaining("CRMHUB_CONNECTORS_ERP_SAP_GROSS_PRICE_CONDITION");
    }
}
