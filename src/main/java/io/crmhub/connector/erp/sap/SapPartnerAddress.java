package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.crm.canonical.CanonicalCustomer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Brings an existing partner's standard address, its mobile phone and its e-mail to the customer's state. OData V2
 * updates one entity at a time, so each is its own call, and only what differs is sent: PUT replaces in the CRM, so a
 * field the CRM no longer has is cleared in SAP (an empty string for address fields, a DELETE for the phone or e-mail).
 * Entity sets and keys as {@code API_BUSINESS_PARTNER} names them: {@code A_BusinessPartnerAddress(BusinessPartner,
 * AddressID)}, {@code A_AddressEmailAddress} / {@code A_AddressPhoneNumber(AddressID, Person, OrdinalNumber)}.
 */
final class SapPartnerAddress {
    static final String EXPAND = "/to_BusinessPartnerAddress?$expand=to_EmailAddress,to_MobilePhoneNumber";

    private SapPartnerAddress() {
    }

    /** The address fields the flow syncs, as SAP holds them ("" when empty). */
    static Map<String, String> fields(CanonicalCustomer.Address a) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("Country", a == null ? "" : text(a.countryCode()));
        fields.put("CityName", a == null ? "" : text(a.city()));
        fields.put("StreetName", a == null ? "" : text(a.street()));
        fields.put("PostalCode", a == null ? "" : text(a.postalCode()));
        return fields;
    }

    /** @param asCreated the customer's address as a create sends it (for a partner that has none) */
    static void sync(SapODataClient client, String partner, CanonicalCustomer customer,
                     java.util.function.Supplier<SapBusinessPartner.Address> asCreated) {
        JsonNode addresses = client.get(SapCustomerSink.SERVICE, SapODataClient.keyPath("A_BusinessPartner", partner) + EXPAND).d().path("results");
        if (addresses.isEmpty()) {
            // a partner created without an address (by hand): give it the customer's
            client.post(SapCustomerSink.SERVICE, SapODataClient.keyPath("A_BusinessPartner", partner) + "/to_BusinessPartnerAddress",
                    asCreated.get());
            return;
        }
        JsonNode current = addresses.get(0);
        String addressId = current.path("AddressID").asText();
        String addressPath = "A_BusinessPartnerAddress(BusinessPartner=" + SapODataClient.quote(partner) + ",AddressID="
                + SapODataClient.quote(addressId) + ")";
        Map<String, String> wanted = fields(customer.address());
        Map<String, String> changed = new LinkedHashMap<>();
        wanted.forEach((field, value) -> {
            if (!value.equals(current.path(field).asText(""))) {
                changed.put(field, value);
            }
        });
        if (!changed.isEmpty()) {
            client.patch(SapCustomerSink.SERVICE, addressPath, null, changed);
        }
        JsonNode email = current.path("to_EmailAddress").path("results").path(0);
        item(client, addressPath + "/to_EmailAddress", "A_AddressEmailAddress", email,
                email.path("EmailAddress").asText(null), customer.email(),
                customer.email() == null ? null : Map.of("EmailAddress", customer.email(), "IsDefaultEmailAddress", true),
                customer.email() == null ? null : Map.of("EmailAddress", customer.email()));
        JsonNode phone = current.path("to_MobilePhoneNumber").path("results").path(0);
        SapBusinessPartner.Phone wantedPhone = customer.phone() == null ? null : SapPhones.mobile(customer.phone());
        String currentPhone = phone.isMissingNode() ? null : phone.path("DestinationLocationCountry").asText("") + " " + phone.path("PhoneNumber").asText("");
        item(client, addressPath + "/to_MobilePhoneNumber", "A_AddressPhoneNumber", phone, currentPhone,
                wantedPhone == null ? null : wantedPhone.country() + " " + wantedPhone.number(), wantedPhone,
                wantedPhone == null ? null : Map.of("DestinationLocationCountry", wantedPhone.country(), "PhoneNumber", wantedPhone.number()));
    }

    /** One phone or e-mail of the address: created, changed or deleted so that SAP holds {@code wanted}. */
    private static void item(SapODataClient client, String createPath, String entitySet, JsonNode current, String currentValue,
                             String wanted, Object create, Object change) {
        if (Objects.equals(currentValue, wanted)) {
            return;
        }
        if (currentValue == null) {
            client.post(SapCustomerSink.SERVICE, createPath, create);
            return;
        }
        String path = entitySet + "(AddressID=" + SapODataClient.quote(current.path("AddressID").asText()) + ",Person="
                + SapODataClient.quote(current.path("Person").asText("")) + ",OrdinalNumber="
                + SapODataClient.quote(current.path("OrdinalNumber").asText("1")) + ")";
        if (wanted == null) {
            client.delete(SapCustomerSink.SERVICE, path, null);
        } else {
            client.patch(SapCustomerSink.SERVICE, path, null, change);
        }
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }
}
