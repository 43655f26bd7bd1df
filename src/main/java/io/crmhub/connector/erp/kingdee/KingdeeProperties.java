package io.crmhub.connector.erp.kingdee;

import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.RateLimit;
import io.crmhub.routing.SecretValues;
import io.crmhub.routing.http.ConnectorHttpSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Kingdee K/3 Cloud (金蝶云星空) WebAPI connection ({@code CRMHUB_CONNECTORS_ERP_KINGDEE_*}), session login
 * ({@code AuthService.ValidateUser}). The password comes from the environment or {@code file:/path} (a mounted secret),
 * never from committed YAML. In the local run with {@code crmhub.erp.provider=kingdee} the Kingdee sandbox fills these in.
 *
 * @param baseUrl      scheme, host and port of the K/3 Cloud server; {@code /K3Cloud/...} is appended
 * @param acctId       the data centre (账套) id
 * @param lcid         language of messages: 2052 simplified Chinese, 1033 English
 * @param orgNumber    number of the organisation customers and sales orders are created in (创建/使用/销售组织)
 * @param billType     the sales order bill type (单据类型), XSDD01_SYS is the standard sales order
 * @param zone         the server's time zone: Kingdee date-times carry none
 * @param receiptBillType, refundBillType the bill types of receipts (收款单) and receipt refunds (收款退款单)
 * @param receiptPurpose the purpose (收付款用途) on their entries, SFKYT01_SYS is sales receipts (销售收款)
 * @param connectTimeout, readTimeout, breaker, rateLimit: the connector HTTP client's ({@link ConnectorHttpSettings})
 */
@Validated
@ConfigurationProperties("crmhub.connectors.erp-kingdee")
public record KingdeeProperties(
        @NotNull URI baseUrl,
        @NotBlank String acctId,
        @NotBlank String username,
        @NotBlank String password,
        @DefaultValue("2052") int lcid,
        @DefaultValue("100") @NotBlank String orgNumber,
        @DefaultValue("XSDD01_SYS") @NotBlank String billType,
        @DefaultValue("Asia/Shanghai") ZoneId zone,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("20s") Duration readTimeout,
        @DefaultValue("SKDLX01_SYS") @NotBlank String receiptBillType,
        @DefaultValue("SKTKDLX01_SYS") @NotBlank String refundBillType,
        @DefaultValue("SFKYT01_SYS") @NotBlank String receiptPurpose,
        @Valid BreakerProperties.ConnectorOverride breaker,
        @Valid RateLimit rateLimit) implements ConnectorHttpSettings {

    /** The password itself: the configured value, or the content of the file it names. */
    public String passwordValue() {
        return SecretValues.readLine("crmhub.connectors.erp-kingdee.password", password);
    }

    @Override
    public String toString() {
        return "KingdeeProperties[baseUrl=" + baseUrl + ", acctId=" + acctId + ", username=" + username
                + ", password=****, lcid=" + lcid + ", orgNumber=" + orgNumber + "]";
    }
}
