package io.crmhub.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.events.InboxWriter;
import io.crmhub.ops.audit.AuditLog;
import io.crmhub.routing.WebhookVerifier;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers {@link WebhookIngress} at {@code /webhooks/*} for every {@link WebhookVerifier} bean the connectors
 * contribute, and documents each of them in the OpenAPI description.
 */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {
    /** The servlet's name; {@code SecurityCoverageIT} pins it (Spring Security does not guard it, D28). */
    static final String SERVLET = "webhooks";

    @Bean
    WebhookRoutes webhookRoutes(List<WebhookVerifier<?>> verifiers) {
        return new WebhookRoutes(verifiers);
    }

    @Bean
    ServletRegistrationBean<WebhookIngress> webhooks(WebhookRoutes routes, InboxWriter inbox, AuditLog audit, ObjectMapper json) {
        ServletRegistrationBean<WebhookIngress> registration =
                new ServletRegistrationBean<>(new WebhookIngress(routes, inbox, audit, json), WebhookRoutes.PREFIX + "/*");
        registration.setName(SERVLET);
        registration.setLoadOnStartup(1);
        return registration;
    }

    /** The servlet is not a Spring MVC handler, so springdoc does not find it by itself. */
    @Bean
    OpenApiCustomizer webhookApi(WebhookRoutes routes, ObjectMapper json) {
        WebhookApiDocumentation documentation = new WebhookApiDocumentation(json);
        return api -> routes.all().forEach(route -> documentation.add(api, route));
    }
}
