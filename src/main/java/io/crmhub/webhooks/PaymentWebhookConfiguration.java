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

    /**
     * The servlet is not a Spring MVC handler, so springdoc does not find it by itself. One path per provider, each with
     * the signature it carries (verified on the raw body; no user authentication).
     */
    @Bean
    OpenApiCustomizer paymentWebhookApi() {
        return api -> {
            api.path("/webhooks/payments/wechatpay", new PathItem().post(webhook("WeChat Pay: a signed, encrypted payment or refund notification",
                    "Signed with the platform key named by `Wechatpay-Serial` over timestamp, nonce and body; answered 204.", "application/json",
                    List.of(header("Wechatpay-Signature", "Base64 SHA256withRSA signature of `timestamp\\nnonce\\nbody\\n`"),
                            header("Wechatpay-Timestamp", "Unix seconds; refused outside crmhub.connectors.payment-wechatpay.replay-window"),
                            header("Wechatpay-Nonce", "Random string of the signature"),
                            header("Wechatpay-Serial", "Serial of the platform public key (`PUB_KEY_ID_…`) that verifies it")),
                    "204", "accepted")));
            api.path("/webhooks/payments/alipay", new PathItem().post(webhook("Alipay: an RSA2-signed asynchronous notification (form)",
                    "The form's `sign` (RSA2 over the other parameters, sorted) is verified with Alipay's public key, `sign_type` must be "
                            + "RSA2; answered with the body `success`.", "application/x-www-form-urlencoded", List.of(), "200", "`success`")));
            api.path("/webhooks/payments/stripe", new PathItem().post(webhook("Stripe: a signed event (payment_intent.succeeded, charge.refunded, …)",
                    "`Stripe-Signature` is `t=<unix seconds>,v1=<HMAC-SHA256 of t.body with the endpoint's signing secret>`; answered 200.",
                    "application/json", List.of(header("Stripe-Signature", "`t=1772352120,v1=5257a869e7…` (several v1 while a secret rolls)")),
                    "200", "accepted")));
            io.crmhub.api.OpenApiExamples.apply(api);
        };
    }

    private static Operation webhook(String summary, String signature, String mediaType, List<Parameter> headers, String okStatus, String ok) {
        MediaType body = new MediaType();
        if (mediaType.startsWith("application/x-www-form-urlencoded")) {
            body.schema(new io.swagger.v3.oas.models.media.ObjectSchema()
                    .addProperty("sign", new StringSchema().description("RSA2 signature of the other parameters, sorted by name"))
                    .addProperty("sign_type", new StringSchema()._enum(List.of("RSA2")))
                    .addProperty("out_trade_no", new StringSchema().description("our payment reference"))
                    .addProperty("trade_status", new StringSchema()));
        }
        Operation op = new Operation().addTagsItem("Webhooks: payments").summary(summary)
                .description(signature + " Refused notifications get 401 and are audited; 503 with Retry-After when it could not be stored.")
                .requestBody(new RequestBody().required(true).content(new Content().addMediaType(mediaType, body)))
                .responses(new ApiResponses()
                        .addApiResponse(okStatus, new ApiResponse().description(ok))
                        .addApiResponse("401", new ApiResponse().description("refused: signature, key, timestamp or probe"))
                        .addApiResponse("404", new ApiResponse().description("no connector configured for the provider"))
                        .addApiResponse("413", new ApiResponse().description("body above crmhub.api.max-body-size"))
                        .addApiResponse("503", new ApiResponse().description("not stored; the provider re-sends")));
        headers.forEach(op::addParametersItem);
        return op;
    }

    private static Parameter header(String name, String description) {
        return new Parameter().in("header").name(name).required(true).description(description).schema(new StringSchema());
    }
}
