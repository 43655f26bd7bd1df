package io.crmhub.connector.erp.kingdee;

import io.crmhub.crm.canonical.CanonicalCustomer;
import io.crmhub.crm.canonical.CustomerType;
import io.crmhub.routing.mapping.ValueMaps;
import org.mapstruct.Context;
import org.mapstruct.Mapper;
import org.mapstruct.Mapping;
import org.mapstruct.Named;

/**
 * Canonical customer → Kingdee {@code BD_Customer}. Codes go through the value maps in {@code mappings/kingdee/}
 * ({@code customer-type}, {@code country}); an unmapped code fails the message naming the table and the code.
 */
@Mapper(componentModel = "spring")
public interface KingdeeCustomerMapper {
    String PROVIDER = "kingdee";

    @Mapping(target = "id", constant = "0L")
    @Mapping(target = "number", source = "customer.reference")
    @Mapping(target = "name", source = "customer.name", qualifiedByName = "name")
    @Mapping(target = "shortName", source = "customer.name", qualifiedByName = "shortName")
    @Mapping(target = "createOrg", source = "orgNumber", qualifiedByName = "ref")
    @Mapping(target = "useOrg", source = "orgNumber", qualifiedByName = "ref")
    @Mapping(target = "customerType", source = "customer.type", qualifiedByName = "customerType")
    @Mapping(target = "country", source = "customer", qualifiedByName = "country")
    @Mapping(target = "address", source = "customer", qualifiedByName = "address")
    @Mapping(target = "zip", source = "customer.address.postalCode")
    @Mapping(target = "phone", source = "customer.phone")
    @Mapping(target = "taxNumber", source = "customer.taxNumber")
    KingdeeCustomer toCustomer(CanonicalCustomer customer, String orgNumber, @Context ValueMaps maps);

    @Named("ref")
    default KingdeeRef ref(String number) {
        return number == null ? null : new KingdeeRef(number);
    }

    @Named("customerType")
    default KingdeeRef customerType(CustomerType type, @Context ValueMaps maps) {
        return new KingdeeRef(maps.translate(PROVIDER, "customer-type", type == null ? null : type.name()));
    }

    @Named("country")
    default KingdeeRef country(CanonicalCustomer customer, @Context ValueMaps maps) {
        String code = customer.address() == null ? null : customer.address().countryCode();
        return new KingdeeRef(maps.translate(PROVIDER, "country", code));
    }

    /** FName holds 80 characters in a standard data centre. */
    @Named("name")
    default String name(String name) {
        return name == null ? null : truncate(name, 80);
    }

    @Named("shortName")
    default String shortName(String name) {
        return name == null ? null : truncate(name, 20);
    }

    /** One line, as Kingdee's FADDRESS (通讯地址) holds it: street, city. */
    @Named("address")
    default String address(CanonicalCustomer customer) {
        CanonicalCustomer.Address a = customer.address();
        if (a == null) {
            return null;
        }
        String line = String.join(", ", java.util.stream.Stream.of(a.street(), a.city()).filter(s -> s != null && !s.isBlank()).toList());
        return line.isEmpty() ? null : truncate(line, 255);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
