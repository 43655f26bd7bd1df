package io.crmhub.routing.mapping;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Where file-system overrides of the packaged value maps live (default {@code ./mappings}). */
@Validated
@ConfigurationProperties("crmhub.mappings")
public record MappingProperties(Path overrideDir) {
}
