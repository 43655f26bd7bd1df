package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Calls to the sandboxes as their real clients make them (signed WeChat Pay and Alipay requests, Stripe's Bearer key,
 * SAP's CSRF session, Kingdee's login cookie), written here independently of the connectors, and a stand-in for the
 * hub's webhook endpoint that records what the sandboxes notify.
 */
final class SandboxCalls {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private SandboxCalls() {
    }

    /** Stops what {@link SandboxEnvironmentPostProcessor} started for {@code application}, as the application's close does. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void stopSandboxes(SpringApplication application) {
        ContextClosedEvent closed = new ContextClosedEvent(new GenericApplicationContext());
        for (ApplicationListener listener : application.getListeners()) {
            if (!listener.getClass().getName().startsWith(SandboxEnvironmentPostProcessor.class.getName())) {
                continue; // only the post-processor's own "stop the sandbox" listeners
            }
            try {
                listener.onApplicationEvent(closed);
            } catch (ClassCastException ignored) {
                // a listener for another event type
            }
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    /** {@code POST /sandbox/pay/<reference>[?query]}: the customer pays. */
    static HttpResponse<String> customerPays(String baseUrl, String reference, String query) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/sandbox/pay/" + reference + query)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    // ---- WeChat Pay v3 ----

    /** A merchant API call signed {@code WECHATPAY2-SHA256-RSA2048} with this run's merchant key. */
    static HttpResponse<String> wechat(WechatPaySandboxServer server, String method, String pathAndQuery, String body)
            throws Exception {
        String ts = String.valueOf(System.currentTimeMillis() / 1000);
        String nonce = UUID.randomUUID().toString().replace("-", "");
        String signature = WechatPaySandbox.sign(server.wechatPay().merchantPrivateKey(),
                method + "\n" + pathAndQuery + "\n" + ts + "\n" + nonce + "\n" + body + "\n");
        String authorization = "WECHATPAY2-SHA256-RSA2048 mchid=\"" + WechatPaySandbox.MERCHANT_ID + "\",nonce_str=\"" + nonce
                + "\",timestamp=\"" + ts + "\",serial_no=\"" + WechatPaySandbox.MERCHANT_SERIAL + "\",signature=\"" + signature + "\"";
        return send(HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery)).header("Authorization", authorization)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    static HttpResponse<String> wechatNativeOrder(WechatPaySandboxServer server, String outTradeNo, long fen,
                                                  String notifyUrl) throws Exception {
        return wechat(server, "POST", "/v3/pay/transactions/native", JSON.createObjectNode()
                .put("appid", WechatPaySandbox.APP_ID).put("mchid", WechatPaySandbox.MERCHANT_ID).put("description", "order")
                .put("out_trade_no", outTradeNo).put("notify_url", notifyUrl)
                .set("amount", JSON.createObjectNode().put("total", fen).put("currency", "CNY")).toString());
    }

    static JsonNode wechatQuery(WechatPaySandboxServer server, String outTradeNo) throws Exception {
        return json(wechat(server, "GET", "/v3/pay/transactions/out-trade-no/" + outTradeNo + "?mchid=" + WechatPaySandbox.MERCHANT_ID, ""));
    }

    /** A notification's {@code resource}, decrypted with this run's APIv3 key (AES-256-GCM). */
    static JsonNode wechatResource(WechatPaySandboxServer server, JsonNode notification) throws Exception {
        JsonNode resource = notification.path("resource");
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(server.wechatPay().apiV3Key().getBytes(StandardCharsets.UTF_8), "AES"),
                new GCMParameterSpec(128, resource.path("nonce").asText().getBytes(StandardCharsets.UTF_8)));
        cipher.updateAAD(resource.path("associated_data").asText().getBytes(StandardCharsets.UTF_8));
        return JSON.readTree(cipher.doFinal(Base64.getDecoder().decode(resource.path("ciphertext").asText())));
    }

    // ---- Alipay v2 gateway ----

    /** A gateway call RSA2-signed with this run's app key; answers the {@code *_response} object. */
    static JsonNode alipay(AlipaySandboxServer server, String method, JsonNode biz, String notifyUrl) throws Exception {
        Map<String, String> params = new TreeMap<>();
        params.put("app_id", AlipaySandbox.APP_ID);
        params.put("method", method);
        params.put("format", "JSON");
        params.put("charset", "utf-8");
        params.put("sign_type", "RSA2");
        params.put("version", "1.0");
        params.put("timestamp", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        params.put("biz_content", biz.toString());
        if (notifyUrl != null) {
            params.put("notify_url", notifyUrl);
        }
        params.put("sign", AlipaySandbox.sign(server.alipay().appPrivateKey(), AlipaySandbox.signedContent(params, List.of("sign"))));
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/gateway.do"))
                .header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(AlipaySandbox.encode(params))));
        return json(answer).path(method.replace('.', '_') + "_response");
    }

    static JsonNode alipayPrecreate(AlipaySandboxServer server, String outTradeNo, String amount, String notifyUrl)
            throws Exception {
        return alipay(server, "alipay.trade.precreate", JSON.createObjectNode().put("out_trade_no", outTradeNo)
                .put("total_amount", amount).put("subject", "order"), notifyUrl);
    }

    static JsonNode alipayQuery(AlipaySandboxServer server, String outTradeNo) throws Exception {
        return alipay(server, "alipay.trade.query", JSON.createObjectNode().put("out_trade_no", outTradeNo), null);
    }

    // ---- Stripe ----

    static HttpResponse<String> stripe(StripeSandboxServer server, String method, String path, String form,
                                       String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Authorization", "Bearer " + server.stripe().secretKey())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method(method, form.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request);
    }

    static String stripeIntentForm(String reference, long amount) {
        return "amount=" + amount + "&currency=cny&metadata%5Bcrm_payment_reference%5D=" + URLEncoder.encode(reference, StandardCharsets.UTF_8);
    }

    // ---- SAP OData V2 ----

    /** One CSRF session: Basic auth, the fetched token and its session cookie on every modifying call. */
    record SapSession(String baseUrl, String authorization, String token, String cookie) {
        static SapSession open(SapSandboxServer server, String user, String password) throws Exception {
            return open(server.baseUrl(), user, password);
        }

        static SapSession open(String baseUrl, String user, String password) throws Exception {
            String authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> fetched = send(HttpRequest.newBuilder(URI.create(baseUrl + SapBusinessPartnerSandbox.SERVICE_PATH))
                    .header("Authorization", authorization).header("x-csrf-token", "fetch").GET());
            String cookie = String.join("; ", fetched.headers().allValues("set-cookie").stream().map(c -> c.split(";", 2)[0]).toList());
            return new SapSession(baseUrl, authorization, fetched.headers().firstValue("x-csrf-token").orElseThrow(), cookie);
        }

        HttpResponse<String> post(String path, String body, String contentType) throws Exception {
            return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", authorization)
                    .header("x-csrf-token", token).header("Cookie", cookie).header("Content-Type", contentType)
                    .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        JsonNode get(String pathAndQuery) throws Exception {
            return json(send(HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).header("Authorization", authorization)
                    .header("Accept", "application/json").GET())).path("d");
        }

        /** A new organisation with the customer role; answers the partner number. */
        String createPartner(String externalId, String name) throws Exception {
            String body = JSON.createObjectNode().put("BusinessPartnerCategory", "2").put("OrganizationBPName1", name)
                    .put("BusinessPartnerIDByExtSystem", externalId)
                    .set("to_BusinessPartnerRole", JSON.createArrayNode().add(JSON.createObjectNode().put("BusinessPartnerRole", "FLCU01")))
                    .toString();
            return json(post(SapBusinessPartnerSandbox.SERVICE_PATH + "A_BusinessPartner", body, "application/json"))
                    .path("d").path("BusinessPartner").asText();
        }

        /** A sales order of two TG11 at 88.00; answers the order number. */
        String createSalesOrder(String soldTo, String reference) throws Exception {
            String body = """
                    {"SalesOrderType":"OR","SalesOrganization":"1010","DistributionChannel":"10","OrganizationDivision":"00",
                     "SoldToParty":"%s","PurchaseOrderByCustomer":"%s","TransactionCurrency":"CNY",
                     "to_Item":[{"Material":"TG11","RequestedQuantity":"2","to_PricingElement":[{"ConditionType":"PR00","ConditionRateValue":"88.00"}]}]}
                    """.formatted(soldTo, reference);
            return json(post(SapBusinessPartnerSandbox.SALES_ORDER_PATH + "A_SalesOrder", body, "application/json"))
                    .path("d").path("SalesOrder").asText();
        }

        /** Posts a customer payment (bank debit, customer credit) through the SOAP service; answers the document number. */
        String postPayment(String reference, String customer, String amount) throws Exception {
            String envelope = """
                    <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
                     <JournalEntryBulkCreateRequest><JournalEntryCreateRequest><JournalEntry>
                      <CompanyCode>1710</CompanyCode><DocumentReferenceID>%1$s</DocumentReferenceID><PostingDate>2026-01-05</PostingDate>
                      <AccountingDocumentType>DZ</AccountingDocumentType>
                      <Item><GLAccount>11001000</GLAccount><AmountInTransactionCurrency currencyCode="CNY">%3$s</AmountInTransactionCurrency><DebitCreditCode>S</DebitCreditCode></Item>
                      <DebtorItem><Debtor>%2$s</Debtor><AmountInTransactionCurrency currencyCode="CNY">-%3$s</AmountInTransactionCurrency><DebitCreditCode>H</DebitCreditCode></DebtorItem>
                     </JournalEntry></JournalEntryCreateRequest></JournalEntryBulkCreateRequest>
                    </soap:Body></soap:Envelope>
                    """.formatted(reference, customer, amount);
            String confirmation = post(SapJournalEntrySandbox.SOAP_PATH, envelope, "text/xml; charset=utf-8").body();
            java.util.regex.Matcher document = java.util.regex.Pattern.compile("<AccountingDocument>(\\d+)</AccountingDocument>").matcher(confirmation);
            return document.find() ? document.group(1) : confirmation;
        }
    }

    // ---- Kingdee K/3 Cloud WebAPI ----

    /** One logged-in Kingdee session (the {@code kdservice-sessionid} cookie). */
    record KingdeeSession(String baseUrl, String cookie) {
        static KingdeeSession login(KingdeeSandboxServer server) throws Exception {
            String body = JSON.createObjectNode().set("parameters", JSON.createArrayNode().add(server.acctId()).add(server.username())
                    .add(server.password()).add(2052)).toString();
            HttpResponse<String> login = send(HttpRequest.newBuilder(URI.create(server.baseUrl() + KingdeeSandbox.LOGIN_PATH))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
            String cookie = login.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("kdservice-sessionid="))
                    .map(c -> c.split(";", 2)[0]).findFirst().orElseThrow();
            return new KingdeeSession(server.baseUrl(), cookie);
        }

        JsonNode call(String path, String body) throws Exception {
            return json(send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                    .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.ofString(body))));
        }

        /** Saves a model; answers {@code Result} ({@code Id}, {@code Number}, {@code ResponseStatus}). */
        JsonNode save(String formId, String model) throws Exception {
            return call(KingdeeSandbox.SAVE_PATH, "{\"formid\":\"" + formId + "\",\"data\":{\"Model\":" + model + "}}").path("Result");
        }

        JsonNode saveCustomer(String name) throws Exception {
            return save("BD_Customer", "{\"FCUSTID\":0,\"FCreateOrgId\":{\"FNumber\":\"100\"},\"FName\":\"" + name + "\"}");
        }

        JsonNode saveSalesOrder(String customer) throws Exception {
            return save("SAL_SaleOrder", """
                    {"FID":0,"FCustId":{"FNumber":"%s"},"FSaleOrgId":{"FNumber":"100"},
                     "FSaleOrderFinance":{"FSettleCurrId":{"FNumber":"PRE001"}},
                     "FSaleOrderEntry":[{"FMaterialId":{"FNumber":"TG11"},"FUnitID":{"FNumber":"Pcs"},"FQty":2,"FTaxPrice":88.00}]}
                    """.formatted(customer));
        }

        JsonNode saveReceipt(String customer, String amount) throws Exception {
            return save("AR_RECEIVEBILL", """
                    {"FID":0,"FCONTACTUNIT":{"FNumber":"%1$s"},"FPAYUNIT":{"FNumber":"%1$s"},"FCURRENCYID":{"FNumber":"PRE001"},
                     "FSETTLECUR":{"FNumber":"PRE001"},"FRECEIVEBILLENTRY":[{"FSETTLETYPEID":{"FNumber":"JSFS04_SYS"},"FRECTOTALAMOUNTFOR":%2$s}]}
                    """.formatted(customer, amount));
        }

        JsonNode view(String formId, String number) throws Exception {
            return call(KingdeeSandbox.VIEW_PATH, "{\"formid\":\"" + formId + "\",\"data\":{\"Number\":\"" + number + "\"}}")
                    .path("Result").path("Result");
        }
    }

    // ---- the hub's webhook endpoint ----

    /** Records every notification posted to it (headers and body) and answers 204, as the hub acks WeChat Pay. */
    static final class Webhook implements AutoCloseable {
        record Received(Map<String, List<String>> headers, String body) {
        }

        private final HttpServer server;
        private final List<Received> received = Collections.synchronizedList(new ArrayList<>());

        Webhook() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), new String(exchange.getRequestBody().readAllBytes(),
                        StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhook";
        }

        List<Received> received() {
            synchronized (received) {
                return List.copyOf(received);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
