package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;

/**
 * {@code SAL_SaleOrder} Save model. {@code FBillNo} is our order number (the hub's reference, looked up before any
 * create); {@code FID} 0 creates, an existing id re-saves the whole order (entries with their {@code FEntryID} are
 * updated, new ones added, missing ones deleted: {@code IsDeleteEntry=true}). Prices are tax-inclusive
 * ({@code FTaxPrice}), so Kingdee's {@code FBillAllAmount} is the CRM order total.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KingdeeSalesOrder(
        @JsonProperty("FID") long id,
        @JsonProperty("FBillTypeID") KingdeeRef billType,
        @JsonProperty("FBillNo") String billNo,
        @JsonProperty("FDate") String date,
        @JsonProperty("FSaleOrgId") KingdeeRef saleOrg,
        @JsonProperty("FCustId") KingdeeRef customer,
        @JsonProperty("FNote") String note,
        @JsonProperty("FSaleOrderFinance") Finance finance,
        @JsonProperty("FSaleOrderEntry") List<Entry> entries) {

    public record Finance(@JsonProperty("FSettleCurrId") KingdeeRef currency) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            @JsonProperty("FEntryID") Long entryId,
            @JsonProperty("FMaterialId") KingdeeRef material,
            @JsonProperty("FUnitID") KingdeeRef unit,
            @JsonProperty("FQty") BigDecimal quantity,
            @JsonProperty("FTaxPrice") BigDecimal taxPrice,
            @JsonProperty("FEntryNote") String note) {

        Entry withEntryId(Long id) {
            return new Entry(id, material, unit, quantity, taxPrice, note);
        }
    }

    /** The re-save of an existing order: its id, entries matched to theirs, the document date left as it is. */
    KingdeeSalesOrder forUpdate(long orderId, List<Entry> matched) {
        return new KingdeeSalesOrder(orderId, billType, billNo, null, saleOrg, customer, note, finance, matched);
    }
}
