package io.crmhub.api;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/** The HTTP API: the largest request body accepted (413 above it), API and webhooks alike. */
@Validated
@ConfigurationProperties("crmhub.api")
public record ApiProperties(@DefaultValue("256KB") @NotNull DataSize maxBodySize) {
}
