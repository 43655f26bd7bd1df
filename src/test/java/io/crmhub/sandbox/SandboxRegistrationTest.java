package io.crmhub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.crmhub.CrmHubApplication;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The sandboxes register themselves ({@code META-INF/services/io.crmhub.sandbox.ProviderSandbox}) and the local run
 * starts what they declare: each on its port property (bound from the README's environment variable), for its
 * connector while that is not configured; the prod profile starts none.
 */
class SandboxRegistrationTest {

    @Test
    void everySandboxRegistersItsConnectorPortPropertyAndTheReadmesDefaultPort() {
        assertThat(ServiceLoader.load(ProviderSandbox.class))
                .extracting(ProviderSandbox::connector, ProviderSandbox::portProperty, ProviderSandbox::defaultPort)
                .containsExactly(
                        tuple("erp-sap", "crmhub.sandbox.sap-port", 18181),
                        tuple("erp-kingdee", "crmhub.sandbox.kingdee-port", 18185),
                        tuple("payment-wechatpay", "crmhub.sandbox.wechatpay-port", 18182),
                        tuple("payment-alipay", "crmhub.sandbox.alipay-port", 18183),
                        tuple("payment-stripe", "crmhub.sandbox.stripe-port", 18184),
                        tuple("notify-email", "crmhub.sandbox.mail-port", 18025),
                        tuple("notify-wecom", "crmhub.sandbox.wecom-robot-port", 18186));
    }

    /** As an operator sets it: environment variables only, the ports as the README names them. */
    @Test
    void theLocalRunStartsASandboxForEachUnconfiguredProviderOnThePortOfItsEnvironmentVariable() throws IOException {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("CRMHUB_SANDBOX_ENABLED", "true");
        variables.put("CRMHUB_CONNECTORS_PAYMENT_STRIPE_SECRET_KEY", "sk_test_configured"); // a real Stripe: no sandbox
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String provider : new String[] {"SAP", "WECHATPAY", "ALIPAY", "KINGDEE", "STRIPE", "MAIL", "MAIL_INBOX", "WECOM_ROBOT"}) {
            ports.put(provider, freePort());
            variables.put("CRMHUB_SANDBOX_" + provider + "_PORT", ports.get(provider).toString());
        }
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new SystemEnvironmentPropertySource("test-environment", variables));
        SpringApplication application = new SpringApplication();
        new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, application);
        try {
            assertThat(env.getProperty("crmhub.connectors.erp-sap.base-url")).isEqualTo("http://127.0.0.1:" + ports.get("SAP"));
            assertThat(env.getProperty("crmhub.connectors.erp-sap.username")).isEqualTo(ProviderSandboxes.LOCAL_USER);
            assertThat(env.getProperty("crmhub.connectors.payment-wechatpay.base-url")).isEqualTo("http://127.0.0.1:" + ports.get("WECHATPAY"));
            assertThat(env.getProperty("crmhub.connectors.payment-wechatpay.merchant-id")).isEqualTo(WechatPaySandbox.MERCHANT_ID);
            assertThat(env.getProperty("crmhub.connectors.payment-wechatpay.notify-url"))
                    .isEqualTo("http://127.0.0.1:8080/webhooks/payments/wechatpay");
            assertThat(env.getProperty("crmhub.connectors.payment-alipay.gateway-url"))
                    .isEqualTo("http://127.0.0.1:" + ports.get("ALIPAY") + "/gateway.do");
            assertThat(env.getProperty("crmhub.connectors.payment-stripe.secret-key")).as("the configured Stripe").isEqualTo("sk_test_configured");
            assertThat(env.getProperty("crmhub.connectors.payment-stripe.base-url")).isNull();
            assertThat(env.getProperty("crmhub.connectors.erp-kingdee.base-url")).as("Kingdee only when it is the ERP").isNull();
            assertThat(env.getProperty("crmhub.connectors.notify-email.port")).isEqualTo(ports.get("MAIL").toString());
            assertThat(env.getProperty("crmhub.connectors.notify-wecom.webhook-url"))
                    .startsWith("http://127.0.0.1:" + ports.get("WECOM_ROBOT") + "/cgi-bin/webhook/send?key=");
            assertThat(listening(ports.get("MAIL_INBOX"))).as("finance's inbox over HTTP").isTrue();
            assertThat(listening(ports.get("SAP"))).isTrue();
            assertThat(listening(ports.get("STRIPE"))).isFalse();
            assertThat(listening(ports.get("KINGDEE"))).isFalse();
        } finally {
            SandboxCalls.stopSandboxes(application);
        }
        assertThat(listening(ports.get("SAP"))).as("stopped with the application").isFalse();
    }

    @Test
    void theProdProfileRefusesToStartWithSandboxesAndStartsNone() throws IOException {
        int sapPort = freePort();
        SpringApplication hub = new SpringApplication(CrmHubApplication.class);
        assertThatThrownBy(() -> hub.run("--spring.profiles.active=prod", "--crmhub.sandbox.enabled=true",
                "--crmhub.sandbox.sap-port=" + sapPort, "--crmhub.data-dir="))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The prod profile cannot run provider sandboxes")
                .hasMessageContaining("CRMHUB_SANDBOX_ENABLED=false");
        assertThat(listening(sapPort)).as("no SAP sandbox was started").isFalse();
    }

    @Test
    void withTheSwitchOffNoSandboxStarts() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", Map.of("crmhub.sandbox.enabled", "false")));
        new SandboxEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());
        assertThat(env.getPropertySources().contains("crmhub-sandboxes")).isFalse();
        assertThat(env.getProperty("crmhub.connectors.erp-sap.base-url")).isNull();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
