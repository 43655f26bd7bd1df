package io.crmhub.routing;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The installation's ERP: which connector the flows use ({@code provider}, e.g. {@code sap}; its links are kept under
 * {@code system}, {@code erp-<provider>}), and how old an ERP change must be before a poller reads it
 * ({@code pollSettle}): an ERP can make a record visible after a newer one (SAP's asynchronous update tasks), and a
 * watermark moved past it would lose it.
 */
@Validated
@ConfigurationProperties("crmhub.erp")
public record ErpProperties(
        @NotBlank @Pattern(regexp = "[a-z][a-z0-9-]*", message = "must be a connector name such as sap or kingdee") String provider,
        @NotBlank String system,
        @DefaultValue("10s") @NotNull Duration pollSettle) {
}
