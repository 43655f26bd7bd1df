package io.crmhub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crmhub.routing.WebhookVerifier;
import io.crmhub.routing.WebhookVerifier.Documentation;
import io.crmhub.routing.WebhookVerifier.Endpoint;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which path reaches which verifier, and which declarations the ingress refuses at start-up. */
class WebhookRoutesTest {
    private static final Documentation DOC = Documentation.of("summary", "description", "{}");

    private static WebhookVerifier<Object> verifier(Endpoint endpoint, Set<String> accounts) {
        return new WebhookVerifier<>() {
            @Override
            public Endpoint endpoint() {
                return endpoint;
            }

            @Override
            public Verified<Object> verify(Request request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean servesAccount(String account) {
                return accounts.contains(account);
            }
        };
    }

    private static Endpoint endpoint(String category, String provider) {
        return Endpoint.at(category, provider).events("payment", "crm.payment.notified").documented(DOC);
    }

    private final WebhookRoutes routes = new WebhookRoutes(List.of(
            verifier(endpoint("payments", "wechatpay"), Set.of()),
            verifier(endpoint("social", "wecom").withAccountSegment().handshake(DOC), Set.of("acme", "globex"))));

    @Test
    void aProviderIsFoundByCategoryAndProviderAndNothingElse() {
        WebhookRoutes.Target target = routes.resolve("/payments/wechatpay");
        assertThat(target.route().key()).isEqualTo("payments/wechatpay");
        assertThat(target.account()).isNull();
        assertThat(target.route().pathPattern()).isEqualTo("/webhooks/payments/{provider}");
        assertThat(target.route().allow()).isEqualTo("POST");
        assertThat(target.route().documentedPath()).isEqualTo("/webhooks/payments/wechatpay");
        for (String miss : new String[] {null, "", "/", "/payments", "/payments/", "/payments/paypal", "/payments/wechatpay/",
                "/payments/wechatpay/extra", "/esign/wechatpay", "/wechatpay", "/social/wechatpay"}) {
            assertThat(routes.resolve(miss)).as(miss).isNull();
        }
    }

    @Test
    void aPerAccountProviderNeedsOneAccountSegmentItServes() {
        WebhookRoutes.Target target = routes.resolve("/social/wecom/acme");
        assertThat(target.route().key()).isEqualTo("social/wecom");
        assertThat(target.account()).isEqualTo("acme");
        assertThat(target.route().pathPattern()).isEqualTo("/webhooks/social/{provider}/{account}");
        assertThat(target.route().allow()).isEqualTo("GET, POST");
        assertThat(target.route().documentedPath()).isEqualTo("/webhooks/social/wecom/{account}");
        assertThat(routes.resolve("/social/wecom/globex").account()).isEqualTo("globex");
        for (String miss : new String[] {"/social/wecom", "/social/wecom/", "/social/wecom/initech", "/social/wecom/acme/x",
                "/social/wecom/acme/"}) {
            assertThat(routes.resolve(miss)).as(miss).isNull();
        }
    }

    @Test
    void aMissIsNamedByItsCategoryWhenTheCategoryIsKnown() {
        assertThat(routes.missPattern("/payments/paypal")).isEqualTo("/webhooks/payments/{provider}");
        assertThat(routes.missPattern("/esign/fadada")).isEqualTo("/webhooks/{category}/{provider}");
        assertThat(routes.missPattern("/payments")).isEqualTo("/webhooks/{category}/{provider}");
        assertThat(routes.missPattern(null)).isEqualTo("/webhooks/{category}/{provider}");
    }

    @Test
    void aDeclarationTheIngressCannotServeFailsStartUpNamingIt() {
        assertRefused(endpoint("Payments", "x"), "category 'Payments' is not a path segment");
        assertRefused(endpoint("payments", "we/chat"), "provider 'we/chat' is not a path segment");
        assertRefused(Endpoint.at("payments", "x").documented(DOC), "declares no aggregate and address");
        assertRefused(endpoint("payments", "x").acknowledgedWith(new WebhookVerifier.Acknowledgement(302, null, null)),
                "declares no 2xx acknowledgement");
        assertRefused(endpoint("payments", "x").acknowledgedWith(new WebhookVerifier.Acknowledgement(200, null, "ok")),
                "a body but no content type");
        assertRefused(endpoint("payments", "x").documented(null), "documents its notification without summary or example");
        assertRefused(endpoint("payments", "x").documented(Documentation.of("summary", "description", " ")),
                "documents its notification without summary or example");
        assertRefused(endpoint("payments", "x").handshake(Documentation.of("", "d", "e")), "documents its handshake");
        assertThatThrownBy(() -> new WebhookRoutes(List.of(verifier(endpoint("payments", "wechatpay"), Set.of()),
                verifier(endpoint("social", "wechatpay"), Set.of()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("provider 'wechatpay' is also declared by");
    }

    private static void assertRefused(Endpoint endpoint, String reason) {
        assertThatThrownBy(() -> new WebhookRoutes(List.of(verifier(endpoint, Set.of()))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Webhook verifier").hasMessageContaining(reason);
    }
}
