package io.crmhub.connector.erp.sap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.routing.mapping.MappingProperties;
import io.crmhub.routing.mapping.UnmappedValueException;
import io.crmhub.routing.mapping.ValueMaps;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Contract test: each golden canonical customer in mappings/sap/golden maps to exactly its SAP body. */
class SapCustomerMapperTest {
    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    private final SapCustomerMapper mapper = new SapCustomerMapperImpl();
    private final ValueMaps maps = new ValueMaps(new MappingProperties(null));

    @ParameterizedTest
    @ValueSource(strings = {"customer-organization", "customer-person"})
    void goldenCanonicalCustomersMapToTheirSapBodies(String pair) throws Exception {
        Path golden = Path.of("mappings/sap/golden");
        CanonicalCustomer customer = JSON.readValue(Files.readString(golden.resolve(pair + ".canonical.json")), CanonicalCustomer.class);
        JsonNode expected = JSON.readTree(Files.readString(golden.resolve(pair + ".sap.json")));
        JsonNode actual = JSON.valueToTree(mapper.toCreate(customer, maps, "FLCU01"));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void anUpdateCarriesOnlyHeaderFields() throws Exception {
        CanonicalCustomer customer = JSON.readValue(Files.readString(Path.of("mappings/sap/golden/customer-organization.canonical.json")),
                CanonicalCustomer.class);
        JsonNode update = JSON.valueToTree(mapper.toUpdate(customer, maps));
        assertThat(update.fieldNames()).toIterable().containsExactlyInAnyOrder(
                "BusinessPartnerIDByExtSystem", "OrganizationBPName1", "SearchTerm1", "CorrespondenceLanguage");
    }

    @Test
    void aCountryWithoutALanguageEntryIsRefusedNotDefaulted() throws Exception {
        CanonicalCustomer cn = JSON.readValue(Files.readString(Path.of("mappings/sap/golden/customer-organization.canonical.json")),
                CanonicalCustomer.class);
        CanonicalCustomer fr = new CanonicalCustomer(cn.id(), cn.reference(), cn.version(), cn.type(), cn.name(), "+33612345678",
                cn.email(), null, null, new CanonicalCustomer.Address("FR", "Paris", null, null), cn.updatedAt());
        assertThatThrownBy(() -> mapper.toCreate(fr, maps, "FLCU01")).isInstanceOf(UnmappedValueException.class)
                .hasMessageContaining("sap/correspondence-language").hasMessageContaining("'FR'");
    }
}
