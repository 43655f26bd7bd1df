package io.crmhub.sandbox;

import static io.crmhub.sandbox.KingdeeAnswers.failure;
import static io.crmhub.sandbox.KingdeeRecords.CUSTOMER;
import static io.crmhub.sandbox.KingdeeRecords.JSON;
import static io.crmhub.sandbox.KingdeeRecords.RECEIPT;
import static io.crmhub.sandbox.KingdeeRecords.RECEIPT_REFUND;
import static io.crmhub.sandbox.KingdeeRecords.RECEIVABLE;
import static io.crmhub.sandbox.KingdeeRecords.SALES_ORDER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A stateful stand-in for Kingdee K/3 Cloud's WebAPI (金蝶云星空), as a WireMock transformer, so the real connector
 * runs against it in the local run and in tests. It speaks the real protocol:
 * <ul>
 *   <li>{@code AuthService.ValidateUser} with {@code {"parameters":[acctId,user,pwd,lcid]}} → {@code LoginResultType 1}
 *       and the {@code kdservice-sessionid} cookie; wrong credentials → {@code LoginResultType 0} with a message;</li>
 *   <li>every {@code DynamicFormService} call needs that cookie; without it (or after {@link #expireSessions()}) the
 *       answer is HTTP 200 with {@code IsSuccess:false}, {@code MsgCode 1} and the login message;</li>
 *   <li>{@code Save}, {@code View}, {@code ExecuteBillQuery} on {@code BD_Customer}, {@code SAL_SaleOrder},
 *       {@code AR_receivable}; {@code ExcuteOperation BillClose} on sales orders;</li>
 *   <li>business errors inside HTTP 200 ({@code Result.ResponseStatus.IsSuccess=false}, {@code Errors[]} with
 *       {@code FieldName} and {@code Message}); ExecuteBillQuery answers an array of arrays in FieldKeys order (and
 *       its errors as {@code [[{"Result":{...}}]]}); entry fields give one row per entry;</li>
 *   <li>finance issues a receivable ({@code AR_receivable}) for each new sales order after {@link #invoiceAfter}
 *       (auditing the order and stocking it out in full first, as the outbound bill it is pushed from needs);</li>
 *   <li>sales order progress for tests: {@link #audit}, {@link #deliverPartially}/{@link #deliverFully} (entries'
 *       {@code FStockOutQty}), {@link #close}, or any {@link #status} code; each moves {@code FModifyDate}.</li>
 * </ul>
 * Date-times carry no zone, as Kingdee's: they are the server's local time ({@link #ZONE}). This class is the
 * WebAPI's front (sessions, routing, the records' life); the forms ({@link KingdeeCustomerForm},
 * {@link KingdeeSalesOrderForm}, {@link KingdeeCashBillForm}), {@link KingdeeReceivables}, the query evaluator
 * ({@link KingdeeBillQuery}) and finance's timer ({@link KingdeeInvoicing}) are classes of their own.
 */
public class KingdeeSandbox implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "kingdee-k3cloud";
    public static final String STUB = "/K3Cloud/Kingdee.BOS.WebApi.ServicesStub.";
    public static final String LOGIN_PATH = STUB + "AuthService.ValidateUser.common.kdsvc";
    public static final String SAVE_PATH = STUB + "DynamicFormService.Save.common.kdsvc";
    public static final String VIEW_PATH = STUB + "DynamicFormService.View.common.kdsvc";
    public static final String QUERY_PATH = STUB + "DynamicFormService.ExecuteBillQuery.common.kdsvc";
    public static final String OPERATION_PATH = STUB + "DynamicFormService.ExcuteOperation.common.kdsvc";
    public static final String SESSION_LOST = "会话信息已丢失，请重新登录";
    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    public static final String ORG = "100";
    private static final Pattern OPERATION = Pattern.compile(Pattern.quote(STUB) + "DynamicFormService\\.(\\w+)\\.common\\.kdsvc");

    private final String acctId;
    private final String username;
    private final String password;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger logins = new AtomicInteger();
    private final KingdeeRecords records = new KingdeeRecords();
    private final KingdeeInvoicing invoicing;
    private final KingdeeSalesOrderForm salesOrderForm;
    private final KingdeeReceivables receivableBills;
    /** The forms Save accepts, by form id. */
    private final Map<String, KingdeeForm> saveable;
    private final SandboxStore store;

    /** Records in memory only (tests). */
    public KingdeeSandbox(String acctId, String username, String password) {
        this(acctId, username, password, SandboxStore.memoryOnly());
    }

    /** Records in {@code store}: those of an earlier run are read back, ids and bill numbers continue where they stopped. */
    KingdeeSandbox(String acctId, String username, String password, SandboxStore store) {
        this.acctId = acctId;
        this.username = username;
        this.password = password;
        this.store = store;
        this.invoicing = new KingdeeInvoicing(store, this::issueDueReceivable);
        this.salesOrderForm = new KingdeeSalesOrderForm(records, invoicing::orderSaved);
        this.receivableBills = new KingdeeReceivables(records, salesOrderForm);
        this.saveable = Stream.of(new KingdeeCustomerForm(records), salesOrderForm, KingdeeCashBillForm.receipts(records),
                KingdeeCashBillForm.receiptRefunds(records)).collect(Collectors.toUnmodifiableMap(KingdeeForm::formId, Function.identity()));
        store.load(JSON).ifPresent(this::restore);
        store.snapshotWith(this::snapshot);
    }

    /**
     * What a restart keeps: every bill of every form, the receivables still to be issued, the id and number counters
     * and the modify clock. Sessions are not kept: after a restart the hub logs in again, as after a server recycle.
     */
    private ObjectNode snapshot() { // called by the store, which runs changes one at a time: nothing moves meanwhile
        ObjectNode state = JSON.createObjectNode();
        records.writeTo(state);
        invoicing.writeTo(state);
        return state;
    }

    private void restore(JsonNode state) {
        records.readFrom(state);
        invoicing.readFrom(state);
    }

    /** Stops keeping records: called when the sandbox's server stops. */
    void closeRecords() {
        store.close();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Drops every session, as Kingdee does when a session times out or the server recycles. */
    public void expireSessions() {
        sessions.clear();
    }

    /** How many successful logins the sandbox has answered. */
    public int logins() {
        return logins.get();
    }

    public Map<Long, ObjectNode> customers() {
        return records.form(CUSTOMER);
    }

    public Map<Long, ObjectNode> salesOrders() {
        return records.form(SALES_ORDER);
    }

    public Map<Long, ObjectNode> receivables() {
        return records.form(RECEIVABLE);
    }

    /** Receipts (收款单) and receipt refunds (收款退款单) saved by the hub. */
    public Map<Long, ObjectNode> receipts() {
        return records.form(RECEIPT);
    }

    public Map<Long, ObjectNode> receiptRefunds() {
        return records.form(RECEIPT_REFUND);
    }

    public ObjectNode customer(String number) {
        return records.find(CUSTOMER, number);
    }

    public ObjectNode salesOrder(String billNo) {
        return records.find(SALES_ORDER, billNo);
    }

    public ObjectNode receivable(String billNo) {
        return records.find(RECEIVABLE, billNo);
    }

    /**
     * Issue a receivable for every new sales order this long after it is saved; null: never. Orders an earlier run
     * had not invoiced yet get theirs when they fall due (at once if overdue).
     */
    public void invoiceAfter(Duration delay) {
        invoicing.invoiceAfter(delay);
    }

    /**
     * Finance issues a receivable for a sales order: its total (prices are tax-inclusive), due in 30 days, dated today,
     * one entry naming the order. Returns the receivable's bill number.
     */
    public String issueReceivable(String salesOrderBillNo) {
        return store.change(() -> receivableBills.issueFor(salesOrderBillNo));
    }

    /** Finance credits a receivable in full (a red receivable of the same order); returns the red bill's number. */
    public String creditReceivable(String receivableBillNo) {
        return store.change(() -> receivableBills.creditInFull(receivableBillNo));
    }

    /** Finance's timer: the receivable of an order that fell due (already inside a change of the records). */
    private void issueDueReceivable(String salesOrderBillNo) {
        receivableBills.issueFor(salesOrderBillNo);
    }

    /** Audits a sales order (审核, {@code FDocumentStatus C}): from then on it cannot be re-saved, only executed or closed. */
    public void audit(String billNo) {
        store.change(() -> salesOrderForm.audit(billNo));
    }

    /** The warehouse ships half of every entry (a sales outbound bill writes its quantities back to the order). */
    public void deliverPartially(String billNo) {
        stockOut(billNo, new BigDecimal("0.5"));
    }

    /** The warehouse ships every entry in full. */
    public void deliverFully(String billNo) {
        stockOut(billNo, BigDecimal.ONE);
    }

    /**
     * Sets every entry's stocked-out quantity ({@code FStockOutQty}, and {@code FDeliQty} for the delivery notice
     * before it) to this share of its {@code FQty}, as the write-back of sales outbound bills does. Kingdee only
     * ships audited, open orders.
     */
    public void stockOut(String billNo, BigDecimal share) {
        store.change(() -> salesOrderForm.stockOut(billNo, share));
    }

    /** Closes a sales order (关闭, {@code FCloseStatus B}), as {@code ExcuteOperation BillClose} does. */
    public void close(String billNo) {
        status(billNo, "FCloseStatus", "B");
    }

    /** Puts a status code on a sales order as it is ({@code FDocumentStatus}, {@code FCloseStatus}, {@code FCancelStatus}), known or not. */
    public void status(String billNo, String field, String code) {
        store.change(() -> salesOrderForm.status(billNo, field, code));
    }

    /** Finance voids a receivable (作废): {@code FCancelStatus B}, a new modify time. */
    public void cancelReceivable(String billNo) {
        store.change(() -> receivableBills.cancel(billNo));
    }

    public void reset() {
        store.change(() -> {
            records.clear();
            sessions.clear();
            invoicing.clear();
        });
    }

    /**
     * A stub's fault (e.g. connection reset) and delay apply after the request took effect: Kingdee did the work but the
     * answer was lost, which is what a crash or network cut between call and reply looks like to the hub.
     */
    @Override
    public ResponseDefinition transform(ServeEvent event) {
        ResponseDefinition result = store.change(() -> handle(event.getRequest()));
        return AnswerLost.afterEffect(result, event.getResponseDefinition());
    }

    private ResponseDefinition handle(Request request) {
        String path = request.getUrl().split("\\?", 2)[0];
        if (!request.getMethod().getName().equals("POST")) {
            return new ResponseDefinitionBuilder().withStatus(405).withBody("Method not allowed").build();
        }
        try {
            if (path.equalsIgnoreCase(LOGIN_PATH)) {
                return login(JSON.readTree(request.getBodyAsString()));
            }
            Matcher op = OPERATION.matcher(path);
            if (!op.matches()) {
                return new ResponseDefinitionBuilder().withStatus(404).withBody("The resource cannot be found.").build();
            }
            boolean query = op.group(1).equals("ExecuteBillQuery");
            if (!validSession(request)) {
                return failure(query, 1, null, SESSION_LOST);
            }
            JsonNode body = JSON.readTree(request.getBodyAsString());
            synchronized (records) {
                return switch (op.group(1)) {
                    case "Save" -> save(body.path("formid").asText(), body.path("data"));
                    case "View" -> view(body.path("formid").asText(), body.path("data"));
                    case "ExecuteBillQuery" -> KingdeeBillQuery.answer(body.path("data"), records);
                    case "ExcuteOperation" -> operation(body.path("formid").asText(), body.path("opNumber").asText(), body.path("data"));
                    default -> failure(false, 4, null, "不支持的操作: " + op.group(1));
                };
            }
        } catch (Exception e) {
            return failure(path.contains("ExecuteBillQuery"), 4, null, "请求格式错误: " + e.getMessage());
        }
    }

    // ---- session ----

    private ResponseDefinition login(JsonNode body) {
        JsonNode p = body.path("parameters");
        ObjectNode answer = JSON.createObjectNode();
        if (!acctId.equals(p.path(0).asText()) || !username.equals(p.path(1).asText()) || !password.equals(p.path(2).asText())) {
            answer.put("Message", acctId.equals(p.path(0).asText()) ? "用户名或密码错误！" : "数据中心不存在！")
                    .put("MessageCode", "CheckPasswordPolicy").put("LoginResultType", 0).putNull("Context").put("IsSuccessByAPI", false);
            return KingdeeAnswers.json(answer).build();
        }
        String session = UUID.randomUUID().toString().replace("-", "");
        sessions.add(session);
        logins.incrementAndGet();
        answer.putNull("Message").put("MessageCode", "CheckPasswordPolicy").put("LoginResultType", 1);
        answer.putObject("Context").put("UserLocale", "zh-CN").put("DBid", acctId).put("UserName", username)
                .put("SessionId", session).put("DatabaseType", 3).put("CurrentOrganizationInfo", ORG);
        answer.put("KDSVCSessionId", session).put("IsSuccessByAPI", true);
        return KingdeeAnswers.json(answer).withHeader("Set-Cookie", "kdservice-sessionid=" + session + "; path=/",
                "ASP.NET_SessionId=" + UUID.randomUUID().toString().replace("-", "").substring(0, 24) + "; path=/; HttpOnly").build();
    }

    private boolean validSession(Request request) {
        String cookie = request.getHeader("Cookie");
        if (cookie == null) {
            return false;
        }
        for (String part : cookie.split(";")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("kdservice-sessionid") && sessions.contains(kv[1])) {
                return true;
            }
        }
        return false;
    }

    // ---- Save, View, operations ----

    private ResponseDefinition save(String formId, JsonNode data) {
        JsonNode model = data.path("Model");
        if (!model.isObject()) {
            return failure(false, 8, null, "Model 不能为空");
        }
        KingdeeForm form = saveable.get(formId);
        if (form == null) {
            return failure(false, 5, null, "业务对象 " + formId + " 不存在或不支持保存");
        }
        return form.save((ObjectNode) model.deepCopy(), data);
    }

    private ResponseDefinition view(String formId, JsonNode data) {
        if (!records.has(formId)) {
            return failure(false, 5, null, "业务对象 " + formId + " 不存在");
        }
        String number = data.path("Number").asText("");
        long id = data.path("Id").asLong(0);
        ObjectNode bill = !number.isEmpty() ? records.find(formId, number) : records.form(formId).get(id);
        if (bill == null) {
            return failure(false, 10, null, "单据不存在或已被删除");
        }
        return KingdeeAnswers.viewed(bill);
    }

    private ResponseDefinition operation(String formId, String opNumber, JsonNode data) {
        if (!SALES_ORDER.equals(formId) || !"BillClose".equalsIgnoreCase(opNumber)) {
            return failure(false, 4, null, "业务对象 " + formId + " 不支持操作 " + opNumber);
        }
        return salesOrderForm.billClose(data);
    }
}
