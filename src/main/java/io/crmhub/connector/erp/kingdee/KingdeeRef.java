package io.crmhub.connector.erp.kingdee;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A base-data reference in a Save body, by number: {@code {"FNumber":"100"}}. */
public record KingdeeRef(@JsonProperty("FNumber") String number) {
}
