package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code API_BUSINESS_PARTNER} deep insert body ({@code POST /A_BusinessPartner}), field names as SAP spells them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SapBusinessPartner(
        @JsonProperty("BusinessPartnerCategory") String category,
        @JsonProperty("BusinessPartnerGrouping") String grouping,
        @JsonProperty("BusinessPartnerIDByExtSystem") String externalReference,
        @JsonProperty("OrganizationBPName1") String organizationName,
        @JsonProperty("LastName") String lastName,
        @JsonProperty("SearchTerm1") String searchTerm,
        @JsonProperty("CorrespondenceLanguage") String language,
        @JsonProperty("to_BusinessPartnerAddress") List<Address> addresses,
        @JsonProperty("to_BusinessPartnerRole") List<Role> roles) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Address(
            @JsonProperty("Country") String country,
            @JsonProperty("CityName") String city,
            @JsonProperty("StreetName") String street,
            @JsonProperty("PostalCode") String postalCode,
            @JsonProperty("Language") String language,
            @JsonProperty("to_MobilePhoneNumber") List<Phone> mobilePhones,
            @JsonProperty("to_EmailAddress") List<Email> emails) {
    }

    public record Phone(
            @JsonProperty("DestinationLocationCountry") String country,
            @JsonProperty("PhoneNumber") String number,
            @JsonProperty("PhoneNumberType") String type,
            @JsonProperty("IsDefaultPhoneNumber") boolean isDefault) {
    }

    public record Email(
            @JsonProperty("EmailAddress") String address,
            @JsonProperty("IsDefaultEmailAddress") boolean isDefault) {
    }

    public record Role(@JsonProperty("BusinessPartnerRole") String role) {
    }

    /** {@code PATCH /A_BusinessPartner('…')} body: OData V2 updates one entity, so only header fields. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Update(
            @JsonProperty("BusinessPartnerIDByExtSystem") String externalReference,
            @JsonProperty("OrganizationBPName1") String organizationName,
            @JsonProperty("LastName") String lastName,
            @JsonProperty("SearchTerm1") String searchTerm,
            @JsonProperty("CorrespondenceLanguage") String language) {
    }
}
