package io.crmhub;

import io.crmhub.api.ApiProperties;
import io.crmhub.crm.finance.InvoiceProperties;
import io.crmhub.crm.finance.PaymentCheckProperties;
import io.crmhub.crm.finance.PaymentReviewProperties;
import io.crmhub.crm.order.OrderProgressProperties;
import io.crmhub.events.OutboxProperties;
import io.crmhub.routing.ErpProperties;
import io.crmhub.routing.RetryProperties;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.crmhub.api.SecurityProperties;
import io.crmhub.connector.erp.kingdee.KingdeeProperties;
import io.crmhub.connector.erp.sap.SapProperties;
import io.crmhub.connector.payment.RsaKeys;
import io.crmhub.connector.payment.alipay.AlipayProperties;
import io.crmhub.connector.payment.stripe.StripeProperties;
import io.crmhub.connector.payment.wechatpay.WechatPayKeys;
import io.crmhub.connector.payment.wechatpay.WechatPayProperties;
import io.crmhub.routing.BreakerProperties;
import io.crmhub.routing.ConnectorGuards;
import io.crmhub.sandbox.ProviderSandbox;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.yaml.snakeyaml.Yaml;

/**
 * The README's configuration reference as an operator uses it: the real hub started with nothing but environment
 * variables (the only property source is a {@link SystemEnvironmentPropertySource}, which is how Spring reads the
 * process environment), named exactly as the table lists them, and each value found in its properties bean. The
 * variable names come from the README itself, so a documented connector (with its timeouts, breaker and rate limit),
 * security or breaker-default variable
 * that does not bind, or one this test does not set, fails the test. Keys are generated here; some secrets are given
 * as {@code file:/path}. Provider URLs point at unused local ports: start-up does not call the providers.
 */
class ConfigurationReferenceIT {
    /** README variables of the settings this test covers (the rest is the hub's infrastructure, set below). */
    private static final List<String> COVERED = List.of("CRMHUB_CONNECTORS_", "CRMHUB_SECURITY_", "CRMHUB_BREAKER_",
            "CRMHUB_RETRY_", "CRMHUB_PAYMENTS_", "CRMHUB_INVOICES_", "CRMHUB_ORDERS_", "CRMHUB_ERP_POLL_SETTLE",
            "CRMHUB_OUTBOX_", "CRMHUB_API_", "CRMHUB_PROTECTION_", "CRMHUB_AUDIT_", "CRMHUB_TAX_",
            "CRMHUB_STATEMENTS_", "CRMHUB_REMINDERS_");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern VARIABLE = Pattern.compile("[A-Z][A-Z0-9_]*");

    @TempDir
    static Path dir;

    private static final KeyPair WECHATPAY_PLATFORM = rsa();
    private static final KeyPair WECHATPAY_MERCHANT = rsa();
    private static final KeyPair ALIPAY_APP = rsa();
    private static final KeyPair ALIPAY = rsa();
    private static final String SERIAL = "PUB_KEY_ID_0114232134912410000000000000";
    private static final String ENGINEER_HASH = "{bcrypt}" + new BCryptPasswordEncoder(4).encode("ops-pass");
    private static final String FINANCE_HASH = "{bcrypt}" + new BCryptPasswordEncoder(4).encode("fin-pass");

    private static String sapPasswordFile;
    private static String kingdeePasswordFile;
    private static String wechatPlatformKeyFile;
    private static String alipayPublicKeyFile;
    private static String stripeSecretKeyFile;
    private static String stripeSecretKey;
    private static int unusedPort;

    /** One documented variable: the value the test gives it and where the value must arrive. */
    private static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    record Setting(String variable, String value, Function<ConfigurableApplicationContext, Object> actual, Object expected) {
    }

    @BeforeAll
    static void secrets() throws IOException {
        sapPasswordFile = "file:" + write("sap-password", "sap-Secret-1\n");
        kingdeePasswordFile = "file:" + write("kingdee-password", "kd-Secret-2\n");
        wechatPlatformKeyFile = "file:" + write("pub_key.pem", RsaKeys.pem("PUBLIC KEY", WECHATPAY_PLATFORM.getPublic().getEncoded()));
        alipayPublicKeyFile = "file:" + write("alipay_public_key.pem", RsaKeys.pem("PUBLIC KEY", ALIPAY.getPublic().getEncoded()));
        stripeSecretKey = "sk_test_" + UUID.randomUUID().toString().replace("-", "");
        stripeSecretKeyFile = "file:" + write("stripe-secret-key", stripeSecretKey + "\n");
        try (ServerSocket socket = new ServerSocket(0)) {
            unusedPort = socket.getLocalPort();
        }
    }

    @Test
    void everyConnectorAndSecurityVariableOfTheReadmeIsOneThisTestStartsTheHubWith() throws IOException {
        List<String> documented = documentedVariables();
        Set<String> setByTest = new LinkedHashSet<>();
        sapHubSettings().forEach(s -> setByTest.add(s.variable()));
        kingdeeHubSettings().forEach(s -> setByTest.add(s.variable()));
        List<String> unknown = new ArrayList<>();
        Set<String> listed = new LinkedHashSet<>();
        for (String written : documented) {
            List<String> matches = candidates(written).stream().filter(setByTest::contains).toList();
            if (COVERED.stream().anyMatch(written::startsWith) && matches.size() != 1) {
                unknown.add(written);
            }
            listed.addAll(matches);
        }
        assertThat(unknown).as("README variables this test does not start the hub with").isEmpty();
        assertThat(setByTest).as("variables this test sets that the README does not list").isSubsetOf(listed);
    }

    @Test
    void theReadmeNamesEveryPropertyAsTheEnvironmentVariableThatBindsIt() throws IOException {
        List<String> written = new ArrayList<>();
        for (List<String> cell : firstCells()) {
            written.addAll(cell);
        }
        assertThat(written).isNotEmpty().allSatisfy(token ->
                assertThat(token).as("a variable name (or ..._SUFFIX) in the configuration reference").matches("(\\.\\.\\.)?_?[A-Z][A-Z0-9_]*"));
        assertThat(written).as("a list index at the end of a name is _0, not _0_ (which does not bind)")
                .noneMatch(token -> token.matches(".*_\\d+_"));
    }

    /**
     * The README's other variables (database, broker, schedules, ...) each name a property the hub reads: one of its
     * {@code @ConfigurationProperties} (or Spring Boot's), a key of {@code application.yml} (read by flows and
     * schedules), a placeholder in the code or YAML, or the port property a provider sandbox registers, compared as
     * Spring compares an environment variable with a property name (dashes and dots alike).
     */
    @Test
    void everyOtherReadmeVariableNamesAPropertyTheHubReads() throws IOException {
        Set<String> known = propertiesTheHubReads();
        List<String> unknown = new ArrayList<>();
        for (String written : documentedVariables()) {
            if (COVERED.stream().noneMatch(written::startsWith)
                    && candidates(written).stream().filter(c -> known.contains(relaxed(c))).count() != 1) {
                unknown.add(written);
            }
        }
        assertThat(unknown).as("README variables that name no property the hub reads").isEmpty();
    }

    @Test
    void sapPaymentProvidersUsersBreakersAndRateLimitsBindFromTheEnvironmentAlone() throws IOException {
        List<Setting> settings = sapHubSettings();
        try (ConfigurableApplicationContext hub = start(settings, Map.of())) {
            verify(hub, settings);
            WechatPayKeys keys = hub.getBean(WechatPayKeys.class);
            assertThat(keys.platformKey(SERIAL)).as("platform key read from its file").isEqualTo(WECHATPAY_PLATFORM.getPublic());
            assertThat(keys.merchantKey()).isEqualTo(WECHATPAY_MERCHANT.getPrivate());
            assertThat(hub.getBean(SapProperties.class).passwordValue()).isEqualTo("sap-Secret-1");
            assertThat(hub.getBean(ConnectorGuards.class).settings("payment-alipay"))
                    .as("a connector without overrides has the defaults").isEqualTo(hub.getBean(BreakerProperties.class).defaults());
        }
    }

    @Test
    void kingdeeBindsFromTheEnvironmentAlone() throws IOException {
        List<Setting> settings = kingdeeHubSettings();
        try (ConfigurableApplicationContext hub = start(settings, Map.of("CRMHUB_ERP_PROVIDER", "kingdee"))) {
            verify(hub, settings);
            assertThat(hub.getBean(KingdeeProperties.class).passwordValue()).isEqualTo("kd-Secret-2");
        }
    }

    // ---- what the test sets, and where each value must arrive ----

    private static List<Setting> sapHubSettings() {
        String url = "http://127.0.0.1:" + unusedPort;
        String merchantPem = RsaKeys.pem("PRIVATE KEY", WECHATPAY_MERCHANT.getPrivate().getEncoded());
        String alipayAppKey = Base64.getEncoder().encodeToString(ALIPAY_APP.getPrivate().getEncoded()); // bare Base64
        String whsec0 = "whsec_" + UUID.randomUUID().toString().replace("-", "");
        String whsec1 = "whsec_" + UUID.randomUUID().toString().replace("-", "");
        String apiV3Key = UUID.randomUUID().toString().replace("-", "");
        List<Setting> s = new ArrayList<>();
        String sap = "CRMHUB_CONNECTORS_ERP_SAP_";
        s.add(of(sap + "BASE_URL", url + "/s4", SapProperties.class, SapProperties::baseUrl, URI.create(url + "/s4")));
        s.add(of(sap + "USERNAME", "COMM_USER", SapProperties.class, SapProperties::username));
        s.add(of(sap + "PASSWORD", sapPasswordFile, SapProperties.class, SapProperties::password));
        s.add(of(sap + "SAP_CLIENT", "400", SapProperties.class, SapProperties::sapClient));
        s.add(of(sap + "CUSTOMER_ROLE", "FLCU00", SapProperties.class, SapProperties::customerRole));
        s.add(of(sap + "SALES_ORGANIZATION", "1010", SapProperties.class, SapProperties::salesOrganization));
        s.add(of(sap + "DISTRIBUTION_CHANNEL", "20", SapProperties.class, SapProperties::distributionChannel));
        s.add(of(sap + "DIVISION", "01", SapProperties.class, SapProperties::division));
        s.add(of(sap + "SALES_ORDER_TYPE", "TA", SapProperties.class, SapProperties::salesOrderType));
        s.add(of(sap + "CANCELLATION_REASON", "62", SapProperties.class, SapProperties::cancellationReason));
        s.add(of(sap + "COMPANY_CODE", "1020", SapProperties.class, SapProperties::companyCode));
        s.add(of(sap + "PAYMENT_DOCUMENT_TYPE", "DA", SapProperties.class, SapProperties::paymentDocumentType));
        s.add(of(sap + "JOURNAL_ENTRY_PATH", "/sap/bc/srt/custom", SapProperties.class, SapProperties::journalEntryPath));
        s.add(of(sap + "ZONE", "Europe/Berlin", SapProperties.class, SapProperties::zone, ZoneId.of("Europe/Berlin")));
        s.add(of(sap + "GROSS_PRICE_CONDITION", "ZPR1", SapProperties.class, SapProperties::grossPriceCondition));
        s.add(of(sap + "CONNECT_TIMEOUT", "3s", SapProperties.class, SapProperties::connectTimeout, Duration.ofSeconds(3)));
        s.add(of(sap + "READ_TIMEOUT", "40s", SapProperties.class, SapProperties::readTimeout, Duration.ofSeconds(40)));
        // the connector's breaker as its client registered it: what the override leaves out is the default's
        s.add(of(sap + "BREAKER_OPEN_FOR", "90s", ConnectorGuards.class, g -> g.settings("erp-sap").openFor(), Duration.ofSeconds(90)));
        s.add(of(sap + "BREAKER_FAILURE_RATE_PERCENT", "40", ConnectorGuards.class,
                g -> List.of(g.settings("erp-sap").failureRatePercent(), g.settings("erp-sap").window()), List.of(40, 30)));
        s.add(of(sap + "RATE_LIMIT_PER_SECOND", "7", SapProperties.class, p -> p.rateLimit().perSecond(), 7));
        s.add(of(sap + "RATE_LIMIT_PER_DAY", "5000", SapProperties.class, p -> p.rateLimit().perDay(), 5000));
        s.add(of(sap + "RATE_LIMIT_QUOTA_ZONE", "Asia/Shanghai", SapProperties.class, p -> p.rateLimit().quotaZone(),
                ZoneId.of("Asia/Shanghai")));
        s.add(of(sap + "RATE_LIMIT_MAX_WAIT", "3s", SapProperties.class, p -> p.rateLimit().maxWait(), Duration.ofSeconds(3)));

        String wx = "CRMHUB_CONNECTORS_PAYMENT_WECHATPAY_";
        s.add(of(wx + "MERCHANT_ID", "1900000109", WechatPayProperties.class, WechatPayProperties::merchantId));
        s.add(of(wx + "APP_ID", "wx8888888888888888", WechatPayProperties.class, WechatPayProperties::appId));
        s.add(of(wx + "MERCHANT_SERIAL_NUMBER", "5157F09EFDC096DE15EBE81A47057A72", WechatPayProperties.class,
                WechatPayProperties::merchantSerialNumber));
        s.add(of(wx + "NOTIFY_URL", "https://hub.example.com/webhooks/payments/wechatpay", WechatPayProperties.class,
                WechatPayProperties::notifyUrl, URI.create("https://hub.example.com/webhooks/payments/wechatpay")));
        s.add(of(wx + "BASE_URL", url + "/wx", WechatPayProperties.class, WechatPayProperties::baseUrl, URI.create(url + "/wx")));
        s.add(of(wx + "MERCHANT_PRIVATE_KEY", merchantPem, WechatPayProperties.class, WechatPayProperties::merchantPrivateKey));
        s.add(of(wx + "API_V3_KEY", apiV3Key, WechatPayProperties.class, WechatPayProperties::apiV3Key));
        s.add(of(wx + "PLATFORM_PUBLIC_KEYS_0_SERIAL", SERIAL, WechatPayProperties.class,
                p -> p.platformPublicKeys().get(0).serial()));
        s.add(of(wx + "PLATFORM_PUBLIC_KEYS_0_KEY", wechatPlatformKeyFile, WechatPayProperties.class,
                p -> p.platformPublicKeys().get(0).key()));
        s.add(of(wx + "REPLAY_WINDOW", "120s", WechatPayProperties.class, WechatPayProperties::replayWindow, Duration.ofSeconds(120)));
        s.add(of(wx + "FEE_RATE", "0.0038", WechatPayProperties.class, WechatPayProperties::feeRate, new java.math.BigDecimal("0.0038")));

        String ali = "CRMHUB_CONNECTORS_PAYMENT_ALIPAY_";
        s.add(of(ali + "APP_ID", "2021000000000042", AlipayProperties.class, AlipayProperties::appId));
        s.add(of(ali + "APP_PRIVATE_KEY", alipayAppKey, AlipayProperties.class, AlipayProperties::appPrivateKey));
        s.add(of(ali + "ALIPAY_PUBLIC_KEY", alipayPublicKeyFile, AlipayProperties.class, AlipayProperties::alipayPublicKey));
        s.add(of(ali + "SELLER_ID", "2088000000000042", AlipayProperties.class, AlipayProperties::sellerId));
        s.add(of(ali + "NOTIFY_URL", "https://hub.example.com/webhooks/payments/alipay", AlipayProperties.class,
                AlipayProperties::notifyUrl, URI.create("https://hub.example.com/webhooks/payments/alipay")));
        s.add(of(ali + "GATEWAY_URL", url + "/gateway.do", AlipayProperties.class, AlipayProperties::gatewayUrl,
                URI.create(url + "/gateway.do")));
        s.add(of(ali + "REPLAY_WINDOW", "26h", AlipayProperties.class, AlipayProperties::replayWindow, Duration.ofHours(26)));
        s.add(of(ali + "QR_TIMEOUT", "30m", AlipayProperties.class, AlipayProperties::qrTimeout, Duration.ofMinutes(30)));
        s.add(of(ali + "FEE_RATE", "0.0055", AlipayProperties.class, AlipayProperties::feeRate, new java.math.BigDecimal("0.0055")));

        String st = "CRMHUB_CONNECTORS_PAYMENT_STRIPE_";
        // StripeKeys refuses to start unless the file's content is an sk_ key: the start proves the file was read
        s.add(of(st + "SECRET_KEY", stripeSecretKeyFile, StripeProperties.class, StripeProperties::secretKey));
        s.add(of(st + "WEBHOOK_SECRETS_0", whsec0, StripeProperties.class, p -> p.webhookSecrets().get(0)));
        s.add(of(st + "WEBHOOK_SECRETS_1", whsec1, StripeProperties.class, p -> p.webhookSecrets().get(1)));
        s.add(of(st + "BASE_URL", url + "/stripe", StripeProperties.class, StripeProperties::baseUrl, URI.create(url + "/stripe")));
        s.add(of(st + "API_VERSION", "2025-01-27.acacia", StripeProperties.class, StripeProperties::apiVersion));
        s.add(of(st + "PAYMENT_METHOD_TYPES", "card,alipay", StripeProperties.class, StripeProperties::paymentMethodTypes,
                List.of("card", "alipay")));
        s.add(of(st + "CONNECT_TIMEOUT", "4s", StripeProperties.class, StripeProperties::connectTimeout, Duration.ofSeconds(4)));
        s.add(of(st + "READ_TIMEOUT", "7s", StripeProperties.class, StripeProperties::readTimeout, Duration.ofSeconds(7)));
        s.add(of(st + "REPLAY_WINDOW", "240s", StripeProperties.class, StripeProperties::replayWindow, Duration.ofSeconds(240)));

        String mail = "CRMHUB_CONNECTORS_NOTIFY_EMAIL_";
        Class<io.crmhub.connector.notify.email.EmailProperties> email = io.crmhub.connector.notify.email.EmailProperties.class;
        s.add(of(mail + "TO", "ar@example.com,cfo@example.com", email, io.crmhub.connector.notify.email.EmailProperties::to,
                List.of("ar@example.com", "cfo@example.com")));
        s.add(of(mail + "FROM", "hub@example.com", email, io.crmhub.connector.notify.email.EmailProperties::from));
        s.add(of(mail + "HOST", "smtp.example.com", email, io.crmhub.connector.notify.email.EmailProperties::host));
        s.add(of(mail + "PORT", "587", email, io.crmhub.connector.notify.email.EmailProperties::port, 587));
        s.add(of(mail + "START_TLS", "true", email, io.crmhub.connector.notify.email.EmailProperties::startTls, true));
        s.add(of(mail + "USERNAME", "hub", email, io.crmhub.connector.notify.email.EmailProperties::username));
        s.add(of(mail + "PASSWORD", sapPasswordFile, email, io.crmhub.connector.notify.email.EmailProperties::password));
        s.add(of(mail + "TIMEOUT", "7s", email, io.crmhub.connector.notify.email.EmailProperties::timeout, Duration.ofSeconds(7)));
        String robot = "CRMHUB_CONNECTORS_NOTIFY_WECOM_";
        Class<io.crmhub.connector.notify.wecom.WecomRobotProperties> wecom = io.crmhub.connector.notify.wecom.WecomRobotProperties.class;
        s.add(of(robot + "WEBHOOK_URL", url + "/cgi-bin/webhook/send?key=robot-key", wecom,
                io.crmhub.connector.notify.wecom.WecomRobotProperties::webhookUrl));
        s.add(of(robot + "MENTION_ALL", "true", wecom, io.crmhub.connector.notify.wecom.WecomRobotProperties::mentionAll, true));

        String users = "CRMHUB_SECURITY_USERS_";
        s.add(of(users + "0_USERNAME", "ops", SecurityProperties.class, p -> p.users().get(0).username()));
        s.add(of(users + "0_PASSWORD", ENGINEER_HASH, SecurityProperties.class, p -> p.users().get(0).password()));
        s.add(of(users + "0_ROLES", "ENGINEER,FINANCE", SecurityProperties.class, p -> p.users().get(0).roles(),
                List.of(SecurityProperties.Role.ENGINEER, SecurityProperties.Role.FINANCE)));
        s.add(of(users + "0_TEAMS", "east,north", SecurityProperties.class, p -> p.users().get(0).teams(), List.of("east", "north")));
        s.add(of(users + "1_USERNAME", "cashier", SecurityProperties.class, p -> p.users().get(1).username()));
        s.add(of(users + "1_PASSWORD", FINANCE_HASH, SecurityProperties.class, p -> p.users().get(1).password()));
        s.add(of(users + "1_ROLES", "FINANCE", SecurityProperties.class, p -> p.users().get(1).roles(),
                List.of(SecurityProperties.Role.FINANCE)));

        String breaker = "CRMHUB_BREAKER_DEFAULTS_";
        s.add(of(breaker + "FAILURE_RATE_PERCENT", "60", BreakerProperties.class, p -> p.defaults().failureRatePercent(), 60));
        s.add(of(breaker + "WINDOW", "30", BreakerProperties.class, p -> p.defaults().window(), 30));
        s.add(of(breaker + "MINIMUM_CALLS", "12", BreakerProperties.class, p -> p.defaults().minimumCalls(), 12));
        s.add(of(breaker + "OPEN_FOR", "45s", BreakerProperties.class, p -> p.defaults().openFor(), Duration.ofSeconds(45)));
        s.add(of(breaker + "HALF_OPEN_CALLS", "4", BreakerProperties.class, p -> p.defaults().halfOpenCalls(), 4));
        s.addAll(operationSettings());
        return s;
    }

    /** Retries, polling, payment checks and the like: each in its validated record. */
    private static List<Setting> operationSettings() {
        List<Setting> s = new ArrayList<>();
        s.add(of("CRMHUB_RETRY_MAXIMUM_REDELIVERIES", "3", RetryProperties.class, RetryProperties::maximumRedeliveries, 3));
        s.add(of("CRMHUB_RETRY_INITIAL_DELAY_MS", "250", RetryProperties.class, RetryProperties::initialDelayMs, 250L));
        s.add(of("CRMHUB_RETRY_MAXIMUM_DELAY_MS", "20000", RetryProperties.class, RetryProperties::maximumDelayMs, 20000L));
        s.add(of("CRMHUB_RETRY_MAXIMUM_RETRY_AFTER_MS", "90000", RetryProperties.class, RetryProperties::maximumRetryAfterMs, 90000L));
        s.add(of("CRMHUB_PAYMENTS_NOTIFICATION_GRACE", "7m", PaymentCheckProperties.class, PaymentCheckProperties::notificationGrace,
                Duration.ofMinutes(7)));
        s.add(of("CRMHUB_PAYMENTS_EXPIRE_AFTER", "3h", PaymentCheckProperties.class, PaymentCheckProperties::expireAfter, Duration.ofHours(3)));
        s.add(of("CRMHUB_PAYMENTS_CHECK_INTERVAL", "45s", PaymentCheckProperties.class, PaymentCheckProperties::checkInterval,
                Duration.ofSeconds(45)));
        s.add(of("CRMHUB_PAYMENTS_REVIEW_POSTING", "hold", PaymentReviewProperties.class, PaymentReviewProperties::posting,
                PaymentReviewProperties.Posting.HOLD));
        s.add(of("CRMHUB_INVOICES_POLL_INTERVAL", "40s", InvoiceProperties.class, InvoiceProperties::pollInterval, Duration.ofSeconds(40)));
        s.add(of("CRMHUB_INVOICES_INITIAL_DELAY", "12s", InvoiceProperties.class, InvoiceProperties::initialDelay, Duration.ofSeconds(12)));
        s.add(of("CRMHUB_INVOICES_PAGE_SIZE", "300", InvoiceProperties.class, InvoiceProperties::pageSize, 300));
        s.add(of("CRMHUB_INVOICES_OVERDUE_CRON", "0 30 7 * * *", InvoiceProperties.class, InvoiceProperties::overdueCron));
        s.add(of("CRMHUB_INVOICES_ZONE", "Asia/Hong_Kong", InvoiceProperties.class, InvoiceProperties::zone, ZoneId.of("Asia/Hong_Kong")));
        s.add(of("CRMHUB_ORDERS_ERP_STATUS_INTERVAL", "90s", OrderProgressProperties.class, OrderProgressProperties::erpStatusInterval,
                Duration.ofSeconds(90)));
        s.add(of("CRMHUB_ORDERS_ERP_STATUS_INITIAL_DELAY", "20s", OrderProgressProperties.class,
                OrderProgressProperties::erpStatusInitialDelay, Duration.ofSeconds(20)));
        s.add(of("CRMHUB_ORDERS_ERP_STATUS_PAGE_SIZE", "250", OrderProgressProperties.class, OrderProgressProperties::erpStatusPageSize, 250));
        s.add(of("CRMHUB_REMINDERS_DIGEST_CRON", "0 30 8 * * MON-FRI", io.crmhub.crm.finance.ReminderProperties.class,
                io.crmhub.crm.finance.ReminderProperties::digestCron));
        s.add(of("CRMHUB_REMINDERS_ZONE", "Asia/Hong_Kong", io.crmhub.crm.finance.ReminderProperties.class,
                io.crmhub.crm.finance.ReminderProperties::zone, ZoneId.of("Asia/Hong_Kong")));
        s.add(of("CRMHUB_REMINDERS_ALERT_ABOVE", "50000", io.crmhub.crm.finance.ReminderProperties.class,
                io.crmhub.crm.finance.ReminderProperties::alertAbove, new java.math.BigDecimal("50000")));
        s.add(of("CRMHUB_REMINDERS_ALERT_INTERVAL", "2m", io.crmhub.crm.finance.ReminderProperties.class,
                io.crmhub.crm.finance.ReminderProperties::alertInterval, Duration.ofMinutes(2)));
        s.add(of("CRMHUB_STATEMENTS_CRON", "0 0 12 * * *", io.crmhub.crm.finance.StatementProperties.class,
                io.crmhub.crm.finance.StatementProperties::cron));
        s.add(of("CRMHUB_STATEMENTS_ZONE", "Asia/Hong_Kong", io.crmhub.crm.finance.StatementProperties.class,
                io.crmhub.crm.finance.StatementProperties::zone, ZoneId.of("Asia/Hong_Kong")));
        s.add(of("CRMHUB_TAX_PRICES_INCLUDE_TAX", "false", io.crmhub.crm.order.TaxProperties.class,
                io.crmhub.crm.order.TaxProperties::pricesIncludeTax, false));
        s.add(of("CRMHUB_TAX_DEFAULT_CODE", "VAT6", io.crmhub.crm.order.TaxProperties.class, io.crmhub.crm.order.TaxProperties::defaultCode));
        // a rate given replaces the whole table; codes arrive lower-case from the environment and are upper-cased
        s.add(of("CRMHUB_TAX_RATES_VAT13", "0.13", io.crmhub.crm.order.TaxProperties.class, p -> p.rates().get("VAT13"),
                new java.math.BigDecimal("0.13")));
        s.add(of("CRMHUB_TAX_RATES_VAT9", "0.09", io.crmhub.crm.order.TaxProperties.class, p -> p.rates().get("VAT9"),
                new java.math.BigDecimal("0.09")));
        s.add(of("CRMHUB_TAX_RATES_VAT6", "0.06", io.crmhub.crm.order.TaxProperties.class, p -> p.rates().get("VAT6"),
                new java.math.BigDecimal("0.06")));
        s.add(of("CRMHUB_TAX_RATES_VAT0", "0", io.crmhub.crm.order.TaxProperties.class, p -> p.rates().keySet(),
                Set.of("VAT13", "VAT9", "VAT6", "VAT0")));
        s.add(of("CRMHUB_ERP_POLL_SETTLE", "15s", ErpProperties.class, ErpProperties::pollSettle, Duration.ofSeconds(15)));
        s.add(of("CRMHUB_OUTBOX_DEGRADED_AFTER", "2m", OutboxProperties.class, OutboxProperties::degradedAfter, Duration.ofMinutes(2)));
        s.add(of("CRMHUB_API_MAX_BODY_SIZE", "512KB", ApiProperties.class, ApiProperties::maxBodySize, DataSize.ofKilobytes(512)));
        String indexKey = randomKey();
        s.add(of("CRMHUB_PROTECTION_KEYS", "ka:" + randomKey() + ",kb:" + randomKey(), io.crmhub.protect.KeyRing.class,
                io.crmhub.protect.KeyRing::keyIds, java.util.Set.of("ka", "kb")));
        s.add(of("CRMHUB_PROTECTION_ACTIVE_KEY", "ka", io.crmhub.protect.KeyRing.class, io.crmhub.protect.KeyRing::activeId));
        s.add(of("CRMHUB_PROTECTION_INDEX_KEY", indexKey, io.crmhub.protect.ProtectionProperties.class,
                io.crmhub.protect.ProtectionProperties::indexKey));
        s.add(of("CRMHUB_PROTECTION_REENCRYPT_BATCH", "250", io.crmhub.protect.ProtectionProperties.class,
                io.crmhub.protect.ProtectionProperties::reencryptBatch, 250));
        s.add(of("CRMHUB_AUDIT_RETENTION", "P200D", io.crmhub.ops.audit.AuditProperties.class,
                io.crmhub.ops.audit.AuditProperties::retention, Duration.ofDays(200)));
        s.add(of("CRMHUB_AUDIT_PURGE_CRON", "0 50 2 * * *", io.crmhub.ops.audit.AuditProperties.class,
                io.crmhub.ops.audit.AuditProperties::purgeCron));
        s.add(of("CRMHUB_AUDIT_VERIFY_CRON", "0 20 5 * * *", io.crmhub.ops.audit.AuditProperties.class,
                io.crmhub.ops.audit.AuditProperties::verifyCron));
        return s;
    }

    private static List<Setting> kingdeeHubSettings() {
        String url = "http://127.0.0.1:" + unusedPort;
        String kd = "CRMHUB_CONNECTORS_ERP_KINGDEE_";
        List<Setting> s = new ArrayList<>();
        s.add(of(kd + "BASE_URL", url, KingdeeProperties.class, KingdeeProperties::baseUrl, URI.create(url)));
        s.add(of(kd + "ACCT_ID", "62f0a1b2c3d4e5", KingdeeProperties.class, KingdeeProperties::acctId));
        s.add(of(kd + "USERNAME", "webapi", KingdeeProperties.class, KingdeeProperties::username));
        s.add(of(kd + "PASSWORD", kingdeePasswordFile, KingdeeProperties.class, KingdeeProperties::password));
        s.add(of(kd + "LCID", "1033", KingdeeProperties.class, KingdeeProperties::lcid, 1033));
        s.add(of(kd + "ORG_NUMBER", "200", KingdeeProperties.class, KingdeeProperties::orgNumber));
        s.add(of(kd + "BILL_TYPE", "XSDD02_SYS", KingdeeProperties.class, KingdeeProperties::billType));
        s.add(of(kd + "ZONE", "Asia/Hong_Kong", KingdeeProperties.class, KingdeeProperties::zone, ZoneId.of("Asia/Hong_Kong")));
        s.add(of(kd + "RECEIPT_BILL_TYPE", "SKDLX02_SYS", KingdeeProperties.class, KingdeeProperties::receiptBillType));
        s.add(of(kd + "REFUND_BILL_TYPE", "SKTKDLX02_SYS", KingdeeProperties.class, KingdeeProperties::refundBillType));
        s.add(of(kd + "RECEIPT_PURPOSE", "SFKYT02_SYS", KingdeeProperties.class, KingdeeProperties::receiptPurpose));
        Path keyFile = dir.resolve("keys-" + UUID.randomUUID()).resolve("hub.keys");
        s.add(of("CRMHUB_PROTECTION_KEY_FILE", keyFile.toString(), io.crmhub.protect.KeyRing.class,
                ring -> ring.file().orElse(null), keyFile));
        return s;
    }

    private static <P> Setting of(String variable, String value, Class<P> bean, Function<P, Object> actual) {
        return of(variable, value, bean, actual, value);
    }

    private static <P> Setting of(String variable, String value, Class<P> bean, Function<P, Object> actual, Object expected) {
        return new Setting(variable, value, hub -> actual.apply(hub.getBean(bean)), expected);
    }

    // ---- the hub, from environment variables only ----

    private static ConfigurableApplicationContext start(List<Setting> settings, Map<String, String> more) {
        Map<String, Object> env = new LinkedHashMap<>();
        // the hub's own infrastructure, also by the README's variables: a private database, journal and port
        env.put("CRMHUB_SERVER_PORT", "0");
        env.put("CRMHUB_DB_URL", "jdbc:h2:mem:config-reference-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        env.put("CRMHUB_DATA_DIR", dir.resolve("data-" + UUID.randomUUID()).toString());
        env.put("CRMHUB_BROKER_TCP_ACCEPTOR", "");
        env.put("CRMHUB_MAPPINGS_DIR", "");
        env.put("CRMHUB_SANDBOX_ENABLED", "false");
        env.putAll(more);
        settings.forEach(s -> env.put(s.variable(), s.value()));
        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        SpringApplication application = new SpringApplication(CrmHubApplication.class);
        application.setEnvironment(environment);
        return application.run();
    }

    private static void verify(ConfigurableApplicationContext hub, List<Setting> settings) {
        SoftAssertions softly = new SoftAssertions();
        for (Setting setting : settings) {
            Object actual;
            try {
                actual = setting.actual().apply(hub);
            } catch (RuntimeException e) {
                softly.fail(setting.variable() + " did not arrive: " + e);
                continue;
            }
            softly.assertThat(actual).as(setting.variable()).isEqualTo(setting.expected());
        }
        softly.assertAll();
    }

    // ---- the README's configuration reference ----

    /** The variables of the table's first column, as written ({@code ..._SUFFIX} kept: see {@link #candidates}). */
    static List<String> documentedVariables() throws IOException {
        List<String> variables = new ArrayList<>();
        for (List<String> cell : firstCells()) {
            String first = null;
            for (String token : cell) {
                if (token.startsWith("..._") && first != null) {
                    variables.add(first + " " + token);
                } else if (VARIABLE.matcher(token).matches()) {
                    first = token;
                    variables.add(token);
                }
            }
        }
        return variables;
    }

    /**
     * What a README entry can stand for: the name itself, or for {@code FIRST ..._X} ("the row's first variable with its
     * last part replaced by X") each way of cutting FIRST's last part off.
     */
    static List<String> candidates(String written) {
        int space = written.indexOf(" ..._");
        if (space < 0) {
            return List.of(written);
        }
        String first = written.substring(0, space);
        String suffix = written.substring(space + " ...".length());
        List<String> candidates = new ArrayList<>();
        for (int i = first.indexOf('_'); i > 0; i = first.indexOf('_', i + 1)) {
            candidates.add(first.substring(0, i) + suffix);
        }
        return candidates;
    }

    /** The code spans of the first column of each row of the README's "Configuration reference" table. */
    private static List<List<String>> firstCells() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"));
        int start = lines.indexOf("## Configuration reference");
        assertThat(start).as("README section 'Configuration reference'").isNotNegative();
        List<List<String>> cells = new ArrayList<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("#")) {
                break;
            }
            if (!line.startsWith("| `")) {
                continue;
            }
            List<String> tokens = new ArrayList<>();
            Matcher code = CODE.matcher(line.split("\\|")[1]);
            while (code.find()) {
                tokens.add(code.group(1));
            }
            cells.add(tokens);
        }
        assertThat(cells).as("rows of the configuration reference").hasSizeGreaterThan(20);
        return cells;
    }

    /** Property names, relaxed: lower case, dashes and underscores as dots. */
    private static Set<String> propertiesTheHubReads() throws IOException {
        Set<String> names = new LinkedHashSet<>();
        JsonMapper json = new JsonMapper();
        var metadata = ConfigurationReferenceIT.class.getClassLoader().getResources("META-INF/spring-configuration-metadata.json");
        while (metadata.hasMoreElements()) {
            try (var in = metadata.nextElement().openStream()) {
                json.readTree(in).path("properties").forEach(p -> names.add(relaxed(p.path("name").asText())));
            }
        }
        Pattern envPlaceholder = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
        try (var yamls = Files.list(Path.of("src/main/resources"))) {
            for (Path yml : yamls.filter(f -> f.getFileName().toString().endsWith(".yml")).toList()) {
                String text = Files.readString(yml);
                envPlaceholder.matcher(text).results().forEach(m -> names.add(relaxed(m.group(1))));
                for (Object document : new Yaml().loadAll(text)) {
                    flatten("", document, names);
                }
            }
        }
        // the provider sandboxes' ports, each declared by its sandbox's own registration
        ServiceLoader.load(ProviderSandbox.class).forEach(s -> names.add(relaxed(s.portProperty())));
        Pattern codePlaceholder = Pattern.compile("\\$\\{(crmhub\\.[a-z0-9.-]+)");
        try (var sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                codePlaceholder.matcher(Files.readString(source)).results().forEach(m -> names.add(relaxed(m.group(1))));
            }
        }
        // the flows' settings, read by the routes as Camel placeholders ({{crmhub.flows.<flow>.consumers:4}})
        Pattern routePlaceholder = Pattern.compile("\\{\\{(crmhub\\.[a-z0-9.-]+)[:}]");
        try (var routes = Files.walk(Path.of("routes"))) {
            for (Path route : routes.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                routePlaceholder.matcher(Files.readString(route)).results().forEach(m -> names.add(relaxed(m.group(1))));
            }
        }
        return names;
    }

    private static void flatten(String prefix, Object node, Set<String> names) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> flatten(prefix.isEmpty() ? key.toString() : prefix + "." + key, value, names));
        } else if (!prefix.isEmpty()) {
            names.add(relaxed(prefix));
        }
    }

    private static String relaxed(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replace('-', '.').replace('_', '.');
    }

    private static Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
