package io.crmhub.connector.erp.sap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code API_SALES_ORDER_SRV} deep insert body ({@code POST /A_SalesOrder}), field names as SAP spells them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SapSalesOrder(
        @JsonProperty("SalesOrderType") String type,
        @JsonProperty("SalesOrganization") String salesOrganization,
        @JsonProperty("DistributionChannel") String distributionChannel,
        @JsonProperty("OrganizationDivision") String division,
        @JsonProperty("SoldToParty") String soldToParty,
        @JsonProperty("PurchaseOrderByCustomer") String customerReference,
        @JsonProperty("TransactionCurrency") String currency,
        @JsonProperty("to_Item") List<Item> items) {

    /**
     * One item; its number is our line number × 10 (SAP's numbering), so a line keeps its item across updates. The
     * price travels as a pricing element: PR00 (net) for tax-exclusive prices, the installation's gross price condition
     * for tax-inclusive ones, so SAP's gross is what the customer pays to the cent (D46); the tax classification lets
     * SAP's tax determination find the line's rate. Decimals are strings (Edm.Decimal).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(
            @JsonProperty("SalesOrderItem") String itemNo,
            @JsonProperty("Material") String material,
            @JsonProperty("SalesOrderItemText") String text,
            @JsonProperty("RequestedQuantity") String quantity,
            @JsonProperty("RequestedQuantityUnit") String unit,
            @JsonProperty("SalesDocumentRjcnReason") String rejectionReason,
            @JsonProperty("ProductTaxClassification1") String taxClassification,
            @JsonProperty("to_PricingElement") List<Price> prices) {
    }

    public record Price(
            @JsonProperty("ConditionType") String conditionType,
            @JsonProperty("ConditionRateValue") String rate,
            @JsonProperty("ConditionCurrency") String currency) {
    }

    /** {@code PATCH /A_SalesOrderItem(SalesOrder='…',SalesOrderItem='…')}: quantity, or the rejection that cancels it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemUpdate(
            @JsonProperty("RequestedQuantity") String quantity,
            @JsonProperty("RequestedQuantityUnit") String unit,
            @JsonProperty("SalesDocumentRjcnReason") String rejectionReason) {
    }
}
