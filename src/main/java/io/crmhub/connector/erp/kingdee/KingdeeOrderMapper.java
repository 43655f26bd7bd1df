package io.crmhub.connector.erp.kingdee;

import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.routing.mapping.ValueMaps;
import java.time.LocalDate;
import java.util.List;
import org.mapstruct.Context;
import org.mapstruct.Mapper;
import org.mapstruct.Mapping;
import org.mapstruct.Named;

/**
 * Canonical order → Kingdee {@code SAL_SaleOrder}. Units and currencies go through {@code mappings/kingdee/unit.yaml}
 * and {@code currency.yaml}; an unmapped code fails the message naming the table and the code, before any call.
 * Organisation and bill type are the installation's ({@code crmhub.connectors.erp-kingdee.*}).
 */
@Mapper(componentModel = "spring")
public interface KingdeeOrderMapper {
    String PROVIDER = "kingdee";

    @Mapping(target = "id", constant = "0L")
    @Mapping(target = "billType", expression = "java(new KingdeeRef(properties.billType()))")
    @Mapping(target = "billNo", source = "order.orderNumber")
    @Mapping(target = "date", source = "order", qualifiedByName = "date")
    @Mapping(target = "saleOrg", expression = "java(new KingdeeRef(properties.orgNumber()))")
    @Mapping(target = "customer", source = "customerNumber", qualifiedByName = "customer")
    @Mapping(target = "note", source = "order.note")
    @Mapping(target = "finance", source = "order", qualifiedByName = "finance")
    @Mapping(target = "entries", source = "order", qualifiedByName = "entries")
    KingdeeSalesOrder toSalesOrder(CanonicalOrder order, String customerNumber, @Context ValueMaps maps,
                                   @Context KingdeeProperties properties);

    @Named("customer")
    default KingdeeRef customer(String number) {
        return new KingdeeRef(number);
    }

    @Named("date")
    default String date(CanonicalOrder order, @Context KingdeeProperties properties) {
        java.time.Instant at = order.updatedAt() == null ? java.time.Instant.now() : order.updatedAt();
        return LocalDate.ofInstant(at, properties.zone()).toString();
    }

    @Named("finance")
    default KingdeeSalesOrder.Finance finance(CanonicalOrder order, @Context ValueMaps maps) {
        boolean stated = order.lines().stream().anyMatch(l -> l.taxCode() != null); // else an order from before tax was explicit
        return new KingdeeSalesOrder.Finance(new KingdeeRef(maps.translate(PROVIDER, "currency", order.currency())),
                stated ? order.pricesIncludeTax() : null);
    }

    /**
     * Tax-inclusive prices as {@code FTaxPrice}, tax-exclusive as {@code FPrice}. An order from before tax was explicit
     * (no tax code) keeps what the hub always sent: its prices as {@code FTaxPrice}, no rate.
     */
    @Named("entries")
    default List<KingdeeSalesOrder.Entry> entries(CanonicalOrder order, @Context ValueMaps maps) {
        return order.lines().stream().map(l -> {
            boolean stated = l.taxCode() != null;
            boolean inclusive = order.pricesIncludeTax() || !stated;
            return new KingdeeSalesOrder.Entry(null, new KingdeeRef(l.sku()),
                    new KingdeeRef(maps.translate(PROVIDER, "unit", l.unit())), l.quantity().stripTrailingZeros(),
                    inclusive ? l.unitPrice() : null, inclusive ? null : l.unitPrice(),
                    stated ? l.taxRate().movePointRight(2).stripTrailingZeros() : null,
                    stated ? new KingdeeRef(maps.translate(PROVIDER, "tax-rate", l.taxCode())) : null, l.description());
        }).toList();
    }
}
