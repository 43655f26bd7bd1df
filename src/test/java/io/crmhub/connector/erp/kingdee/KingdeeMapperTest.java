package io.crmhub.connector.erp.kingdee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.routing.mapping.MappingProperties;
import io.crmhub.routing.mapping.UnmappedValueException;
import io.crmhub.routing.mapping.ValueMaps;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Contract test: the golden canonical customer and order in mappings/kingdee/golden map to exactly their Kingdee Save models. */
class KingdeeMapperTest {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
    private static final Path GOLDEN = Path.of("mappings/kingdee/golden");
    private final ValueMaps maps = new ValueMaps(new MappingProperties(null));
    private final KingdeeProperties properties = new KingdeeProperties(URI.create("http://127.0.0.1:1"), "acct", "user", "pwd", 2052,
            "100", "XSDD01_SYS", ZoneId.of("Asia/Shanghai"), Duration.ofSeconds(1), Duration.ofSeconds(1), "SKDLX01_SYS", "SKTKDLX01_SYS", "SFKYT01_SYS",
            null, null);

    @Test
    void theGoldenCustomerMapsToItsBdCustomerModel() throws Exception {
        CanonicalCustomer customer = read("customer-organization.canonical.json", CanonicalCustomer.class);
        JsonNode actual = wire(new KingdeeCustomerMapperImpl().toCustomer(customer, "100", maps));
        assertThat(actual).isEqualTo(JSON.readTree(Files.readString(GOLDEN.resolve("customer-organization.kingdee.json"))));
    }

    @Test
    void theGoldenOrderMapsToItsSaleOrderModelDatedInTheServersZone() throws Exception {
        CanonicalOrder order = read("order-two-lines.canonical.json", CanonicalOrder.class);
        JsonNode actual = wire(new KingdeeOrderMapperImpl().toSalesOrder(order, "CRM-C-0000000042", maps, properties));
        // exact decimals: prices keep their scale (88.00), quantities lose trailing zeros (0.500 → 0.5)
        assertThat(actual).isEqualTo(JSON.readTree(Files.readString(GOLDEN.resolve("order-two-lines.kingdee.json"))));
        assertThat(actual.path("FDate").asText()).as("17:30 UTC is the next day in Shanghai").isEqualTo("2026-11-21");
    }

    @Test
    void taxExclusivePricesGoAsNetPricesWithEachLinesRateAndTaxRateItem() throws Exception {
        CanonicalOrder order = read("order-tax-exclusive.canonical.json", CanonicalOrder.class);
        JsonNode actual = wire(new KingdeeOrderMapperImpl().toSalesOrder(order, "CRM-C-0000000042", maps, properties));
        assertThat(actual).isEqualTo(JSON.readTree(Files.readString(GOLDEN.resolve("order-tax-exclusive.kingdee.json"))));
    }

    @Test
    void unmappedUnitsAndCurrenciesAreRefusedNotDefaulted() throws Exception {
        CanonicalOrder order = read("order-two-lines.canonical.json", CanonicalOrder.class);
        CanonicalOrder drum = new CanonicalOrder(order.id(), order.orderNumber(), order.version(), order.customerId(),
                order.customerReference(), order.status(), order.currency(), order.totalAmount(), order.paidAmount(), order.note(),
                List.of(new CanonicalOrder.Line(1, "TG11", null, order.lines().get(0).quantity(), "DRM", order.lines().get(0).unitPrice(),
                        order.lines().get(0).lineAmount(), null, null, null, null, null)), order.updatedAt(), false, null, null);
        assertThatThrownBy(() -> new KingdeeOrderMapperImpl().toSalesOrder(drum, "CRM-C-1", maps, properties))
                .isInstanceOf(UnmappedValueException.class).hasMessage("value map kingdee/unit v1 has no entry for 'DRM'");
        CanonicalOrder chf = new CanonicalOrder(order.id(), order.orderNumber(), order.version(), order.customerId(),
                order.customerReference(), order.status(), "CHF", order.totalAmount(), order.paidAmount(), order.note(), order.lines(),
                order.updatedAt(), false, null, null);
        assertThatThrownBy(() -> new KingdeeOrderMapperImpl().toSalesOrder(chf, "CRM-C-1", maps, properties))
                .isInstanceOf(UnmappedValueException.class).hasMessage("value map kingdee/currency v1 has no entry for 'CHF'");
    }

    /** The model as it goes on the wire, read back. */
    private static JsonNode wire(Object model) throws Exception {
        return JSON.readTree(JSON.writeValueAsString(model));
    }

    private static <T> T read(String file, Class<T> type) throws Exception {
        return JSON.readValue(Files.readString(GOLDEN.resolve(file)), type);
    }
}
