package io.crmhub.connector.erp.sap;

import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.crm.canonical.CustomerType;
import io.crmhub.routing.mapping.ValueMaps;
import java.util.List;
import java.util.Locale;
import org.mapstruct.Context;
import org.mapstruct.Mapper;
import org.mapstruct.Mapping;
import org.mapstruct.Named;

/**
 * Canonical customer → SAP business partner. Codes go through the value maps in {@code mappings/sap/}
 * ({@code bp-category}, {@code bp-grouping}, {@code correspondence-language}); an unmapped code fails the message
 * with the table and the code named, it is never defaulted.
 */
@Mapper(componentModel = "spring")
public interface SapCustomerMapper {
    String PROVIDER = "sap";

    @Mapping(target = "category", source = "type", qualifiedByName = "category")
    @Mapping(target = "grouping", source = "type", qualifiedByName = "grouping")
    @Mapping(target = "externalReference", source = "reference")
    @Mapping(target = "organizationName", source = "customer", qualifiedByName = "organizationName")
    @Mapping(target = "lastName", source = "customer", qualifiedByName = "lastName")
    @Mapping(target = "searchTerm", source = "name", qualifiedByName = "searchTerm")
    @Mapping(target = "language", source = "address.countryCode", qualifiedByName = "language")
    @Mapping(target = "addresses", source = "customer", qualifiedByName = "addresses")
    @Mapping(target = "roles", ignore = true)
    SapBusinessPartner toPartner(CanonicalCustomer customer, @Context ValueMaps maps);

    @Mapping(target = "externalReference", source = "reference")
    @Mapping(target = "organizationName", source = "customer", qualifiedByName = "organizationName")
    @Mapping(target = "lastName", source = "customer", qualifiedByName = "lastName")
    @Mapping(target = "searchTerm", source = "name", qualifiedByName = "searchTerm")
    @Mapping(target = "language", source = "address.countryCode", qualifiedByName = "language")
    SapBusinessPartner.Update toUpdate(CanonicalCustomer customer, @Context ValueMaps maps);

    /** The deep insert also gives the partner the customer role. */
    default SapBusinessPartner toCreate(CanonicalCustomer customer, ValueMaps maps, String customerRole) {
        SapBusinessPartner p = toPartner(customer, maps);
        return new SapBusinessPartner(p.category(), p.grouping(), p.externalReference(), p.organizationName(), p.lastName(),
                p.searchTerm(), p.language(), p.addresses(), List.of(new SapBusinessPartner.Role(customerRole)));
    }

    @Named("category")
    default String category(CustomerType type, @Context ValueMaps maps) {
        return maps.translate(PROVIDER, "bp-category", type == null ? null : type.name());
    }

    @Named("grouping")
    default String grouping(CustomerType type, @Context ValueMaps maps) {
        return maps.translate(PROVIDER, "bp-grouping", type == null ? null : type.name());
    }

    @Named("language")
    default String language(String countryCode, @Context ValueMaps maps) {
        return maps.translate(PROVIDER, "correspondence-language", countryCode);
    }

    @Named("organizationName")
    default String organizationName(CanonicalCustomer c) {
        return c.type() == CustomerType.ORGANIZATION ? truncate(c.name(), 40) : null;
    }

    @Named("lastName")
    default String lastName(CanonicalCustomer c) {
        return c.type() == CustomerType.PERSON ? truncate(c.name(), 40) : null;
    }

    /** SAP's SearchTerm1 is 20 upper-case characters. */
    @Named("searchTerm")
    default String searchTerm(String name) {
        return name == null ? null : truncate(name.toUpperCase(Locale.ROOT), 20);
    }

    @Named("addresses")
    default List<SapBusinessPartner.Address> addresses(CanonicalCustomer c, @Context ValueMaps maps) {
        CanonicalCustomer.Address a = c.address();
        List<SapBusinessPartner.Phone> phones = c.phone() == null ? null : List.of(SapPhones.mobile(c.phone()));
        List<SapBusinessPartner.Email> emails = c.email() == null ? null : List.of(new SapBusinessPartner.Email(c.email(), true));
        return List.of(new SapBusinessPartner.Address(a.countryCode(), a.city(), a.street(), a.postalCode(),
                language(a.countryCode(), maps), phones, emails));
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
