package io.crmhub.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /}: what this server is and where to go, for a person or a client finding the hub. Public: it says nothing
 * that {@code /v3/api-docs} (public as well) does not, and names no user, setting or connected system.
 */
@Tag(name = "Index")
@RestController
class IndexController {
    private final String version;

    IndexController(ObjectProvider<BuildProperties> build) {
        this.version = HubVersion.of(build.getIfAvailable());
    }

    record Index(String name, String version, Map<String, String> links) {
    }

    @GetMapping("/")
    @Operation(summary = "What this server is: name, version and links to the API description, health and the API roots (no authentication)")
    Index index() {
        Map<String, String> links = new LinkedHashMap<>();
        links.put("openApi", "/v3/api-docs");
        links.put("swaggerUi", "/swagger-ui.html");
        links.put("health", "/actuator/health");
        links.put("customers", "/api/customers");
        links.put("orders", "/api/orders");
        links.put("payments", "/api/payments");
        links.put("invoices", "/api/invoices");
        links.put("contracts", "/api/contracts");
        links.put("interactions", "/api/interactions");
        links.put("finance", "/api/finance/overdue");
        links.put("operations", "/api/ops/failures");
        return new Index("CRM Hub", version, links);
    }
}
