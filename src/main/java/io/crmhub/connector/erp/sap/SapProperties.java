package io.crmhub.connector.erp.sap;

import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.RateLimit;
import io.crmhub.routing.SecretValues;
import io.crmhub.routing.http.ConnectorHttpSettings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * SAP S/4HANA OData V2 connection ({@code CRMHUB_CONNECTORS_ERP_SAP_*}). The password comes from the environment, as
 * the value or {@code file:/path} (a mounted secret), never from committed YAML. In the default local run the SAP sandbox fills these in.
 *
 * @param baseUrl      scheme, host and port of the SAP Gateway, e.g. https://my-s4.example.com
 * @param sapClient    optional {@code sap-client} query parameter
 * @param customerRole business partner role that makes the partner a customer
 * @param salesOrderType, salesOrganization, distributionChannel, division: the sales area CRM orders are created in
 * @param cancellationReason the rejection reason (SalesDocumentRjcnReason) set on items of a cancelled order or line
 * @param companyCode  the company code payments and refunds are posted in
 * @param paymentDocumentType the journal entry type of those postings (DZ: customer payment)
 * @param journalEntryPath the SOAP endpoint of Journal Entry - Post (JournalEntryCreateRequestConfirmation_In)
 * @param zone         the zone whose calendar date is the posting date
 * @param grossPriceCondition the condition type of the pricing procedure that takes a unit price including tax (a
 *                     customer condition: S/4HANA's standard has none); orders with tax-inclusive prices need it
 * @param connectTimeout, readTimeout, breaker, rateLimit: the connector HTTP client's ({@link ConnectorHttpSettings})
 */
@Validated
@ConfigurationProperties("crmhub.connectors.erp-sap")
public record SapProperties(
        @NotNull URI baseUrl,
        @NotBlank String username,
        @NotBlank String password,
        String sapClient,
        @DefaultValue("FLCU01") @NotBlank String customerRole,
        @DefaultValue("OR") @NotBlank String salesOrderType,
        @DefaultValue("1710") @NotBlank String salesOrganization,
        @DefaultValue("10") @NotBlank String distributionChannel,
        @DefaultValue("00") @NotBlank String division,
        @DefaultValue("61") @NotBlank String cancellationReason,
        @DefaultValue("1710") @NotBlank String companyCode,
        @DefaultValue("DZ") @NotBlank String paymentDocumentType,
        @DefaultValue("/sap/bc/srt/scs_ext/sap/journalentrycreaterequestconfi") @NotBlank String journalEntryPath,
        @DefaultValue("UTC") java.time.ZoneId zone,
        String grossPriceCondition,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("20s") Duration readTimeout,
        @Valid BreakerProperties.ConnectorOverride breaker,
        @Valid RateLimit rateLimit) implements ConnectorHttpSettings {

    /** The password itself: the configured value, or the content of the file it names. */
    public String passwordValue() {
        return SecretValues.readLine("crmhub.connectors.erp-sap.password", password);
    }

    @Override
    public String toString() {
        return "SapProperties[baseUrl=" + baseUrl + ", username=" + username + ", password=****]";
    }
}
