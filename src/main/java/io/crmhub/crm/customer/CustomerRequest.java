package io.crmhub.crm.customer;

import io.crmhub.crm.canonical.CustomerType;
import io.crmhub.crm.normalize.PhoneNumber;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/customers} and {@code PUT /api/customers/{id}} (full replacement). */
@ContactGiven
public record CustomerRequest(
        @NotNull CustomerType type,
        @NotBlank @Size(max = 200) String name,
        @Size(max = 32) @PhoneNumber String phone,
        @Email @Size(max = 254) String email,
        @Size(max = 32) @Pattern(regexp = "[0-9A-Za-z-]{5,32}", message = "must be 5-32 letters, digits or dashes") String idNumber,
        @Size(max = 32) @Pattern(regexp = "[0-9A-Za-z-]{5,32}", message = "must be 5-32 letters, digits or dashes") String taxNumber,
        @NotNull @Valid AddressRequest address,
        @io.swagger.v3.oas.annotations.media.Schema(description = "Who the new customer belongs to: a SALES user or team:<name>. "
                + "Default: the SALES user creating it (who may name only themself or a team of theirs); an engineer may name "
                + "any owner. PUT keeps it (an engineer reassigns with PUT /api/customers/{id}/owner).")
        @Size(max = 100) String owner) {

    public record AddressRequest(
            @NotBlank @Pattern(regexp = "[A-Z]{2}", message = "must be an ISO 3166-1 alpha-2 code such as CN") String countryCode,
            @Size(max = 100) String city,
            @Size(max = 200) String street,
            @Size(max = 16) String postalCode) {
    }
}
