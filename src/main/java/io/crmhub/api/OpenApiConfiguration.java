package io.crmhub.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description: the hub's name and build version, HTTP Basic on {@code /api/**}, and an example for each
 * operation ({@link OpenApiExamples}).
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {
    static final String BASIC = "basicAuth";

    @Bean
    OpenAPI hubOpenApi(ObjectProvider<BuildProperties> build) {
        return new OpenAPI()
                .info(new Info().title("CRM Hub").version(HubVersion.of(build.getIfAvailable()))
                        .description("Customers, orders, payments and invoices kept in sync between the hub's CRM store, ERPs "
                                + "(SAP S/4HANA, Kingdee) and payment providers (WeChat Pay, Alipay, Stripe). Every `/api` call "
                                + "authenticates with HTTP Basic; errors are `application/problem+json` with `errors[{field, reason}]`.")
                        .license(new License().name("Open source")))
                .components(new Components().addSecuritySchemes(BASIC, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("basic").description("An API user (ENGINEER, FINANCE or SALES)")));
    }

    static {
        // the caller's data scope comes from their authentication, not from the request
        org.springdoc.core.utils.SpringDocUtils.getConfig().addRequestWrapperToIgnore(io.crmhub.crm.common.DataScope.class);
    }

    @Bean
    OpenApiCustomizer securityAndExamples() {
        return api -> {
            api.getPaths().forEach((path, item) -> item.readOperations().forEach(op -> {
                if (path.startsWith("/api/") && (op.getSecurity() == null || op.getSecurity().isEmpty())) {
                    op.addSecurityItem(new SecurityRequirement().addList(BASIC));
                }
            }));
            OpenApiExamples.apply(api);
        };
    }

}
