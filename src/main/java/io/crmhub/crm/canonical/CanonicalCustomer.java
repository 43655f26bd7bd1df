package io.crmhub.crm.canonical;

import java.time.Instant;

/**
 * The customer as it travels on {@code crm.customer.changed}: the full state at {@code version}, so a consumer can
 * upsert from any single event and drop ones older than what it already synced.
 */
public record CanonicalCustomer(
        long id,
        String reference,
        long version,
        CustomerType type,
        String name,
        String phone,
        String email,
        String idNumber,
        String taxNumber,
        Address address,
        Instant updatedAt) {

    /**
     * The same customer with {@code f} applied to its personal values (phone, e-mail, ID number): events carry them
     * sealed ({@code PersonalDataCipher::seal}), the flow step that calls the provider opens them.
     */
    public CanonicalCustomer withPersonalData(java.util.function.UnaryOperator<String> f) {
        return new CanonicalCustomer(id, reference, version, type, name, f.apply(phone), f.apply(email), f.apply(idNumber),
                taxNumber, address, updatedAt);
    }

    public record Address(String countryCode, String city, String street, String postalCode) {
    }

    /** Our stable reference for a customer in external systems, e.g. {@code CRM-C-0000000042}. */
    public static String referenceOf(long id) {
        return "CRM-C-%010d".formatted(id);
    }
}
