package io.crmhub.crm.customer;

import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.crm.canonical.CustomerType;
import io.crmhub.crm.link.ExternalReference;
import io.crmhub.logging.PiiMasking;
import java.time.Instant;
import java.util.List;

/** A customer as the API shows it: phone, e-mail and identity number masked, with its references in external systems. */
public record CustomerView(long id, String reference, CustomerType type, String name, String phone, String email,
                           String idNumber, String taxNumber, Address address, long version, Instant createdAt,
                           Instant updatedAt, List<ExternalReference> externalReferences,
                           @io.swagger.v3.oas.annotations.media.Schema(description = "The SALES user (sales2) or team "
                                   + "(team:east) the customer belongs to; absent: unowned (FINANCE and ENGINEER only)") String owner) {

    public record Address(String countryCode, String city, String street, String postalCode) {
    }

    static CustomerView of(Customer c, List<ExternalReference> refs) {
        return new CustomerView(c.id(), CanonicalCustomer.referenceOf(c.id()), c.type(), c.name(),
                PiiMasking.maskValue(c.phone()), PiiMasking.maskEmail(c.email()), PiiMasking.maskValue(c.idNumber()), c.taxNumber(),
                new Address(c.countryCode(), c.city(), c.street(), c.postalCode()), c.version(), c.createdAt(),
                c.updatedAt(), refs, c.owner());
    }
}
