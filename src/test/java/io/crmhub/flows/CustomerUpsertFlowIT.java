package io.crmhub.flows;

import com.fasterxml.jackson.databind.node.ObjectNode;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.crmhub.sandbox.SapBusinessPartnerSandbox;
import io.crmhub.support.SapTestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;

/**
 * crm-to-erp.customer-upsert end to end with SAP (the default ERP): REST → outbox → Artemis → flow → SAP (WireMock) →
 * external link. The scenarios are {@link CustomerUpsertScenarios}, shared with {@link KingdeeCustomerUpsertFlowIT}.
 */
class CustomerUpsertFlowIT extends CustomerUpsertScenarios {
    private static final String BP_PATH = SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner";

    @Test
    void anUpdatePatchesTheSamePartnerWithItsEtagAfterTheCsrfTokenExpired() {
        String phone = uniquePhone();
        long id = createCustomer("Patch Me Co", phone, "CN");
        String partner = awaitSynced(id, 1);
        SapTestServer.sap().expireTokens();

        call("sales", HttpMethod.PUT, "/api/customers/" + id, customerJson("Patched Co", phone, "CN"));
        assertThat(awaitSynced(id, 2)).isEqualTo(partner);
        assertThat(SapTestServer.sap().partners().get(partner).path("OrganizationBPName1").asText()).isEqualTo("Patched Co");
        SapTestServer.wireMock().verify(patchRequestedFor(urlPathEqualTo(BP_PATH + "('" + partner + "')"))
                .withHeader("If-Match", com.github.tomakehurst.wiremock.client.WireMock.matching("W/\".+\"")));
        long rejected = SapTestServer.wireMock().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().contains("('" + partner + "')") && e.getResponse().getStatus() == 403).count();
        assertThat(rejected).as("the expired token was refused once, then refetched").isEqualTo(1);
        assertThat(creates(referenceOf(id))).isEqualTo(1);
    }

    @Override
    String system() {
        return "erp-sap";
    }

    @Override
    String provider() {
        return "sap";
    }

    @Override
    WireMockServer erp() {
        return SapTestServer.wireMock();
    }

    @Override
    String writePath() {
        return BP_PATH;
    }

    @Override
    String sandboxTransformer() {
        return SapBusinessPartnerSandbox.NAME;
    }

    /** POSTs of a new partner; one SAP refused for an expired CSRF token (and the client repeated) is not a create. */
    @Override
    long creates(String reference) {
        return SapTestServer.wireMock().getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("POST") && e.getRequest().getUrl().equals(BP_PATH)
                        && e.getRequest().getBodyAsString().contains(reference) && e.getResponse().getStatus() != 403)
                .count();
    }

    @Override
    long recordsFor(String reference) {
        return SapTestServer.sap().partners().values().stream()
                .filter(p -> p.path("BusinessPartnerIDByExtSystem").asText().equals(reference)).count();
    }

    @Override
    String nameInErp(String partner) {
        return SapTestServer.sap().partners().get(partner).path("OrganizationBPName1").asText();
    }

    @Override
    void verifyCreated(String reference, String partner) {
        assertThat(SapTestServer.sap().partners().get(partner).path("BusinessPartnerIDByExtSystem").asText()).isEqualTo(reference);
        SapTestServer.wireMock().verify(1, postRequestedFor(urlPathEqualTo(BP_PATH))
                .withHeader("x-csrf-token", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))
                .withHeader("Cookie", containing("SAP_SESSIONID_S4H_100="))
                .withRequestBody(matchingJsonPath("$.BusinessPartnerIDByExtSystem", equalTo(reference)))
                .withRequestBody(matchingJsonPath("$.to_BusinessPartnerRole[0].BusinessPartnerRole", equalTo("FLCU01")))
                .withRequestBody(matchingJsonPath("$.to_BusinessPartnerAddress[0].to_MobilePhoneNumber[0].PhoneNumberType", equalTo("3"))));
    }

    @Override
    void verifyUpdatedAfterLostAnswer(String partner) {
        SapTestServer.wireMock().verify(patchRequestedFor(urlPathEqualTo(BP_PATH + "('" + partner + "')")));
    }

    @Override
    ResponseDefinitionBuilder refusal() {
        return aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"R11/124\",\"message\":{\"lang\":\"en\",\"value\":\"Tax number is not valid\"}}}");
    }

    @Override
    List<String> refusalReason() {
        return List.of("HTTP 400", "R11/124 Tax number is not valid");
    }

    @Override
    String countryTable() {
        return "correspondence-language";
    }

    @Override
    java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> handToAnother(String partner, String otherReference, String otherName) {
        var record = SapTestServer.sap().partners().get(partner);
        synchronized (record) {
            record.put("BusinessPartnerIDByExtSystem", otherReference);
            record.put("OrganizationBPName1", otherName);
        }
        return () -> SapTestServer.sap().partners().get(partner);
    }

    @Override
    void delete(String partner) {
        SapTestServer.sap().partners().remove(partner);
    }

    @Override
    List<String> foreignReason(String partner, String ours, String otherReference) {
        return List.of("linked SAP business partner " + partner + " of " + ours + " carries reference " + otherReference + ", not ours");
    }

    @Override
    void verifyFieldsCleared(String partner, String name, String phone) {
        var sap = SapTestServer.sap().partners().get(partner);
        assertThat(sap.path("OrganizationBPName1").asText()).isEqualTo(name);
        var address = sap.path("to_BusinessPartnerAddress").get(0);
        assertThat(address.path("CityName").asText()).isEqualTo("Shanghai");
        assertThat(address.path("StreetName").asText("")).as("street cleared").isEmpty();
        assertThat(address.path("PostalCode").asText("")).as("postal code cleared").isEmpty();
        assertThat(address.path("to_EmailAddress")).as("e-mail deleted").isEmpty();
        assertThat(address.path("to_MobilePhoneNumber")).hasSize(1);
        assertThat(address.path("to_MobilePhoneNumber").get(0).path("PhoneNumber").asText()).isEqualTo(phone.substring(3));
    }

    @Override
    String changeByHandInErp(String partner) {
        var sap = SapTestServer.sap().partners().get(partner);
        synchronized (sap) {
            ((ObjectNode) sap.path("to_BusinessPartnerAddress").get(0)).put("StreetName", "99 Changed By Hand Rd");
        }
        return "StreetName";
    }
}
