package io.crmhub.crm.customer;

import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.crm.canonical.CustomerType;
import java.time.Instant;

/** A customer row. Phone in E.164, e-mail lower-cased; {@code owner} (data scopes, D43) is the CRM's own, not sent to ERPs. */
public record Customer(long id, CustomerType type, String name, String phone, String email, String idNumber,
                       String taxNumber, String countryCode, String city, String street, String postalCode,
                       long version, Instant createdAt, Instant updatedAt, String owner) {

    public CanonicalCustomer toCanonical() {
        return new CanonicalCustomer(id, CanonicalCustomer.referenceOf(id), version, type, name, phone, email, idNumber,
                taxNumber, new CanonicalCustomer.Address(countryCode, city, street, postalCode), updatedAt);
    }
}
