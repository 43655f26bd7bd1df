package io.crmhub.webhooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.crm.canonical.PaymentNotification;
import io.crmhub.events.InboxWriter;
import io.crmhub.ops.audit.AuditLog;
import io.crmhub.routing.NotificationVerifier;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers {@link PaymentWebhookServlet} at {@code /webhooks/payments/*} and documents it in the OpenAPI description. */
@Configuration(proxyBeanMethods = false)
class PaymentWebhookConfiguration {
    static final String PATH = "/webhooks/payments/{provider}";

    @Bean
    ServletRegistrationBean<PaymentWebhookServlet> paymentWebhooks(List<NotificationVerifier<PaymentNotification>> verifiers,
                                                                  InboxWriter inbox, AuditLog audit, ObjectMapper json) {
        ServletRegistrationBean<PaymentWebhookServlet> registration =
                new ServletRegistrationBean<>(new PaymentWebhookServlet(verifiers, inbox, audit, json), "/webhooks/payments/*");
        registration.setName("paymentWebhooks");
        registration.setLoadOnStartup(1);
        return registration;
    }

    /** The servlet is not a Spring MVC handler, so springdoc does not find it by itself. */
    @Bean
    OpenApiCustomizer paymentWebhookApi() {
        StringSchema providers = new StringSchema();
        List.of("wechatpay", "alipay", "stripe").forEach(providers::addEnumItem);
        return api -> api.path(PATH, new PathItem().post(new Operation()
                .addTagsItem("Webhooks: payments")
                .summary("A payment provider's notification; answered with the provider's acknowledgement")
                .description("Signed by the provider (no user authentication): WeChat Pay 204, Alipay `success`, Stripe 2xx. "
                        + "Refused notifications get 401 and are audited; 503 with Retry-After when it could not be stored.")
                .addParametersItem(new Parameter().in("path").name("provider").required(true).schema(providers))
                .requestBody(new RequestBody().required(true).content(new Content().addMediaType("*/*", new MediaType())))
                .responses(new ApiResponses()
                        .addApiResponse("200", new ApiResponse().description("accepted (Alipay: `success`; Stripe)"))
                        .addApiResponse("204", new ApiResponse().description("accepted (WeChat Pay)"))
                        .addApiResponse("401", new ApiResponse().description("refused: signature, key, timestamp or probe"))
                        .addApiResponse("404", new ApiResponse().description("no connector configured for the provider"))
                        .addApiResponse("413", new ApiResponse().description("body above crmhub.api.max-body-size"))
                        .addApiResponse("503", new ApiResponse().description("not stored; the provider re-sends")))));
    }
}
