package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code BD_Customer} Save model, field keys as Kingdee spells them. {@code FCUSTID} 0 creates; the id of an existing
 * customer updates it. {@code FNumber} is our customer reference ({@code CRM-C-…}), so Kingdee's number is ours.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KingdeeCustomer(
        @JsonProperty("FCUSTID") long id,
        @JsonProperty("FNumber") String number,
        @JsonProperty("FName") String name,
        @JsonProperty("FShortName") String shortName,
        @JsonProperty("FCreateOrgId") KingdeeRef createOrg,
        @JsonProperty("FUseOrgId") KingdeeRef useOrg,
        @JsonProperty("FCustTypeId") KingdeeRef customerType,
        @JsonProperty("FCOUNTRY") KingdeeRef country,
        @JsonProperty("FADDRESS") String address,
        @JsonProperty("FZIP") String zip,
        @JsonProperty("FTEL") String phone,
        @JsonProperty("FTAXREGISTERCODE") String taxNumber) {
}
