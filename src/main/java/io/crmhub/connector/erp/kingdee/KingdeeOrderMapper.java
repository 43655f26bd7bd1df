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
    @Mapping(target = "finance", source = "order.currency", qualifiedByName = "finance")
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
    default KingdeeSalesOrder.Finance finance(String currency, @Context ValueMaps maps) {
        return new KingdeeSalesOrder.Finance(new KingdeeRef(maps.translate(PROVIDER, "currency", currency)));
    }

    @Named("entries")
    default List<KingdeeSalesOrder.Entry> entries(CanonicalOrder order, @Context ValueMaps maps) {
        return order.lines().stream().map(l -> new KingdeeSalesOrder.Entry(null, new KingdeeRef(l.sku()),
                new KingdeeRef(maps.translate(PROVIDER, "unit", l.unit())), l.quantity().stripTrailingZeros(),
                l.unitPrice(), l.description())).toList();
    }
}
