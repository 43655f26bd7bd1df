package io.crmhub.connector.erp.sap;

import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.routing.mapping.ValueMaps;
import java.math.BigDecimal;
import java.util.List;
import org.mapstruct.Context;
import org.mapstruct.Mapper;
import org.mapstruct.Mapping;
import org.mapstruct.Named;

/**
 * Canonical order → SAP sales order. Units go through the value map {@code mappings/sap/unit.yaml}; an unmapped unit
 * fails the message naming the table and the code, it is never defaulted. Sales area and order type are the
 * installation's ({@code crmhub.connectors.erp-sap.*}).
 */
@Mapper(componentModel = "spring")
public interface SapOrderMapper {
    String PROVIDER = "sap";

    @Mapping(target = "type", expression = "java(properties.salesOrderType())")
    @Mapping(target = "salesOrganization", expression = "java(properties.salesOrganization())")
    @Mapping(target = "distributionChannel", expression = "java(properties.distributionChannel())")
    @Mapping(target = "division", expression = "java(properties.division())")
    @Mapping(target = "soldToParty", expression = "java(soldToParty)")
    @Mapping(target = "customerReference", source = "order.orderNumber")
    @Mapping(target = "currency", source = "order.currency")
    @Mapping(target = "items", source = "order", qualifiedByName = "items")
    SapSalesOrder toSalesOrder(CanonicalOrder order, String soldToParty, @Context ValueMaps maps, @Context SapProperties properties);

    @Named("items")
    default List<SapSalesOrder.Item> items(CanonicalOrder order, @Context ValueMaps maps, @Context SapProperties properties) {
        String condition = priceCondition(order, properties);
        return order.lines().stream().map(l -> item(l, order.currency(), condition, maps)).toList();
    }

    @Named("item") // named, so MapStruct never applies it on its own
    default SapSalesOrder.Item item(CanonicalOrder.Line line, String currency, String priceCondition, @Context ValueMaps maps) {
        return new SapSalesOrder.Item(itemNo(line), line.sku(), line.description() == null ? null : truncate(line.description(), 40),
                decimal(line.quantity()), unit(line.unit(), maps), null,
                line.taxCode() == null ? null : maps.translate(PROVIDER, "tax-classification", line.taxCode()),
                List.of(new SapSalesOrder.Price(priceCondition, decimal(line.unitPrice()), currency)));
    }

    /**
     * PR00 for net prices; for tax-inclusive ones the gross price condition the installation's pricing procedure has
     * (SAP's standard has none: it is a customer condition that deducts the tax). Without one configured such an
     * order is refused naming the setting, never sent as if its prices were net (SAP would add the tax on top).
     */
    static String priceCondition(CanonicalOrder order, SapProperties properties) {
        if (!order.pricesIncludeTax()) {
            return "PR00";
        }
        if (properties.grossPriceCondition() == null || properties.grossPriceCondition().isBlank()) {
            throw new io.crmhub.routing.PermanentConnectorException(SapODataClient.CONNECTOR, "order " + order.orderNumber()
                    + " has tax-inclusive prices, and no gross price condition is configured for SAP: set "
                    + "crmhub.connectors.erp-sap.gross-price-condition (CRMHUB_CONNECTORS_ERP_SAP_GROSS_PRICE_CONDITION) to "
                    + "the condition type of the pricing procedure that takes a price including tax");
        }
        return properties.grossPriceCondition();
    }

    @Named("unit") // named, or MapStruct would apply it to every String property
    default String unit(String unit, @Context ValueMaps maps) {
        return maps.translate(PROVIDER, "unit", unit);
    }

    static String itemNo(CanonicalOrder.Line line) {
        return String.valueOf(line.lineNo() * 10);
    }

    static String decimal(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
