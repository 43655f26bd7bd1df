package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;

/**
 * {@code SAL_SaleOrder} Save model. {@code FBillNo} is our order number (the hub's reference, looked up before any
 * create); {@code FID} 0 creates, an existing id re-saves the whole order (entries with their {@code FEntryID} are
 * updated, new ones added, missing ones deleted: {@code IsDeleteEntry=true}). Tax-inclusive prices travel as
 * {@code FTaxPrice} (含税单价) with {@code FIsIncludedTax} true, tax-exclusive ones as {@code FPrice}; each entry has its
 * rate ({@code FEntryTaxRate}, percent) and tax rate item, so Kingdee's {@code FBillAllAmount} (价税合计) is the CRM
 * order total (D46).
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

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Finance(@JsonProperty("FSettleCurrId") KingdeeRef currency,
                          @JsonProperty("FIsIncludedTax") Boolean includedTax) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            @JsonProperty("FEntryID") Long entryId,
            @JsonProperty("FMaterialId") KingdeeRef material,
            @JsonProperty("FUnitID") KingdeeRef unit,
            @JsonProperty("FQty") BigDecimal quantity,
            @JsonProperty("FTaxPrice") BigDecimal taxPrice,
            @JsonProperty("FPrice") BigDecimal price,
            @JsonProperty("FEntryTaxRate") BigDecimal taxRatePercent,
            @JsonProperty("FTaxRateId") KingdeeRef taxRate,
            @JsonProperty("FEntryNote") String note) {

        Entry withEntryId(Long id) {
            return new Entry(id, material, unit, quantity, taxPrice, price, taxRatePercent, taxRate, note);
        }
    }

    /** The re-save of an existing order: its id, entries matched to theirs, the document date left as it is. */
    KingdeeSalesOrder forUpdate(long orderId, List<Entry> matched) {
        return new KingdeeSalesOrder(orderId, billType, billNo, null, saleOrg, customer, note, finance, matched);
    }
}
