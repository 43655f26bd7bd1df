package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * Date-times carry no zone, as Kingdee's: they are the server's local time ({@link #ZONE}).
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
    static final String CUSTOMER = "BD_Customer";
    static final String SALES_ORDER = "SAL_SaleOrder";
    static final String RECEIVABLE = "AR_receivable";
    static final String RECEIPT = "AR_RECEIVEBILL";
    static final String RECEIPT_REFUND = "AR_REFUNDBILL";
    /** Sales order entry quantities Kingdee writes back: stocked out (销售出库), on delivery notices (发货通知). */
    private static final List<String> EXECUTED = List.of("FStockOutQty", "FDeliQty");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");
    private static final Pattern OPERATION = Pattern.compile(Pattern.quote(STUB) + "DynamicFormService\\.(\\w+)\\.common\\.kdsvc");
    private static final Pattern CONDITION = Pattern.compile("\\s*([\\w.]+)\\s*(>=|<=|<>|!=|=|>|<)\\s*(?:'((?:[^']|'')*)'|(-?\\d+(?:\\.\\d+)?))\\s*");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}([ T]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?)?");
    private static final Map<String, String> CURRENCIES = Map.of("PRE001", "CNY", "PRE002", "HKD", "PRE003", "EUR", "PRE004", "JPY",
            "PRE005", "TWD", "PRE006", "GBP", "PRE007", "USD");

    /** Decimals kept exact (as Kingdee's decimal columns): 99.99 stays 99.99, never a double. */
    private final ObjectMapper json = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
    private final String acctId;
    private final String username;
    private final String password;
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger logins = new AtomicInteger();
    private final Map<String, Map<Long, ObjectNode>> forms = new ConcurrentHashMap<>(Map.of(
            CUSTOMER, new ConcurrentHashMap<>(), SALES_ORDER, new ConcurrentHashMap<>(), RECEIVABLE, new ConcurrentHashMap<>(),
            RECEIPT, new ConcurrentHashMap<>(), RECEIPT_REFUND, new ConcurrentHashMap<>()));
    private final AtomicLong ids = new AtomicLong(100_000);
    private final AtomicLong entryIds = new AtomicLong(500_000);
    private final AtomicLong billNumbers = new AtomicLong();
    private final AtomicLong receivableNumbers = new AtomicLong();
    private final ScheduledExecutorService invoicing = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kingdee-sandbox-invoicing");
        t.setDaemon(true);
        return t;
    });
    private volatile Duration invoiceAfter;
    private LocalDateTime lastChange = LocalDateTime.MIN;
    /** Sales orders finance will issue a receivable for, with when (epoch ms): kept, so a restart still issues them. */
    private final Map<String, Long> invoiceDue = new ConcurrentHashMap<>();
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
        store.load(json).ifPresent(this::restore);
        store.snapshotWith(this::snapshot);
    }

    /**
     * What a restart keeps: every bill of every form, the receivables still to be issued, the id and number counters
     * and the modify clock. Sessions are not kept: after a restart the hub logs in again, as after a server recycle.
     */
    private ObjectNode snapshot() { // called by the store, which runs changes one at a time: nothing moves meanwhile
        ObjectNode state = json.createObjectNode();
        ObjectNode bills = state.putObject("forms");
        forms.forEach((formId, byId) -> {
            ArrayNode list = bills.putArray(formId);
            byId.values().forEach(b -> list.add(b.deepCopy()));
        });
        ObjectNode due = state.putObject("invoiceDue");
        invoiceDue.forEach(due::put);
        state.putObject("counters").put("id", ids.get()).put("entryId", entryIds.get()).put("billNumber", billNumbers.get())
                .put("receivableNumber", receivableNumbers.get());
        if (!lastChange.equals(LocalDateTime.MIN)) {
            state.put("lastChange", lastChange.format(TIME));
        }
        return state;
    }

    private void restore(JsonNode state) {
        state.path("forms").fields().forEachRemaining(form -> {
            Map<Long, ObjectNode> byId = forms.get(form.getKey());
            if (byId != null) {
                String idKey = CUSTOMER.equals(form.getKey()) ? "FCUSTID" : "FID";
                form.getValue().forEach(b -> byId.put(b.path(idKey).asLong(), (ObjectNode) b.deepCopy()));
            }
        });
        state.path("invoiceDue").fields().forEachRemaining(e -> invoiceDue.put(e.getKey(), e.getValue().asLong()));
        JsonNode c = state.path("counters");
        ids.set(c.path("id").asLong(ids.get()));
        entryIds.set(c.path("entryId").asLong(entryIds.get()));
        billNumbers.set(c.path("billNumber").asLong(billNumbers.get()));
        receivableNumbers.set(c.path("receivableNumber").asLong(receivableNumbers.get()));
        if (state.hasNonNull("lastChange")) {
            lastChange = LocalDateTime.parse(state.path("lastChange").asText(), TIME);
        }
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
        return forms.get(CUSTOMER);
    }

    public Map<Long, ObjectNode> salesOrders() {
        return forms.get(SALES_ORDER);
    }

    public Map<Long, ObjectNode> receivables() {
        return forms.get(RECEIVABLE);
    }

    /** Receipts (收款单) and receipt refunds (收款退款单) saved by the hub. */
    public Map<Long, ObjectNode> receipts() {
        return forms.get(RECEIPT);
    }

    public Map<Long, ObjectNode> receiptRefunds() {
        return forms.get(RECEIPT_REFUND);
    }

    public ObjectNode customer(String number) {
        return find(CUSTOMER, number);
    }

    public ObjectNode salesOrder(String billNo) {
        return find(SALES_ORDER, billNo);
    }

    public ObjectNode receivable(String billNo) {
        return find(RECEIVABLE, billNo);
    }

    /**
     * Issue a receivable for every new sales order this long after it is saved; null: never. Orders an earlier run
     * had not invoiced yet get theirs when they fall due (at once if overdue).
     */
    public void invoiceAfter(Duration delay) {
        this.invoiceAfter = delay;
        if (delay != null) {
            invoiceDue.forEach(this::scheduleReceivable);
        }
    }

    private void scheduleReceivable(String salesOrderBillNo, long dueAtMillis) {
        long wait = Math.max(0, dueAtMillis - System.currentTimeMillis());
        invoicing.schedule(() -> store.change(() -> {
            if (invoiceDue.remove(salesOrderBillNo) != null) {
                receivableFor(salesOrderBillNo);
            }
        }), wait, TimeUnit.MILLISECONDS);
    }

    /**
     * Finance issues a receivable for a sales order: its total (prices are tax-inclusive), due in 30 days, dated today,
     * one entry naming the order. Returns the receivable's bill number.
     */
    public String issueReceivable(String salesOrderBillNo) {
        return store.change(() -> receivableFor(salesOrderBillNo));
    }

    private synchronized String receivableFor(String salesOrderBillNo) {
        ObjectNode order = salesOrder(salesOrderBillNo);
        if (order == null) {
            throw new IllegalArgumentException("no sales order " + salesOrderBillNo);
        }
        // a receivable is pushed from the sales outbound bill, which needs an audited order: audited, stocked out in full
        if (!"C".equals(text(order, "FDocumentStatus"))) {
            auditOrder(salesOrderBillNo);
        }
        if ("A".equals(text(order, "FCloseStatus"))) {
            stockOutOrder(salesOrderBillNo, BigDecimal.ONE);
        }
        long id = ids.incrementAndGet();
        String number = "AR%08d".formatted(receivableNumbers.incrementAndGet());
        LocalDate today = LocalDate.now(ZONE);
        ObjectNode bill = json.createObjectNode().put("FID", id).put("FBillNo", number)
                .put("FDate", today.atStartOfDay().format(TIME)).put("FENDDATE_H", today.plusDays(30).atStartOfDay().format(TIME))
                .put("FDocumentStatus", "C").put("FCancelStatus", "A")
                .put("FALLAMOUNTFOR", order.path("FBillAllAmount").decimalValue());
        bill.putObject("FCUSTOMERID").put("FNumber", order.path("FCustId").path("FNumber").asText());
        JsonNode currency = order.path("FSaleOrderFinance").path("FSettleCurrId");
        bill.putObject("FCURRENCYID").put("FNumber", currency.path("FNumber").asText()).put("FCode", currency.path("FCode").asText());
        ArrayNode entries = bill.putArray("FEntityDetail");
        entries.addObject().put("FEntryID", entryIds.incrementAndGet()).put("FORDERNUMBER", salesOrderBillNo)
                .put("FALLAMOUNTFOR", order.path("FBillAllAmount").decimalValue());
        stamp(bill, true);
        receivables().put(id, bill);
        return number;
    }

    /** Audits a sales order (审核, {@code FDocumentStatus C}): from then on it cannot be re-saved, only executed or closed. */
    public void audit(String billNo) {
        store.change(() -> auditOrder(billNo));
    }

    private synchronized void auditOrder(String billNo) {
        ObjectNode order = existingOrder(billNo);
        order.put("FDocumentStatus", "C");
        stamp(order, false);
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
        store.change(() -> stockOutOrder(billNo, share));
    }

    private synchronized void stockOutOrder(String billNo, BigDecimal share) {
        ObjectNode order = existingOrder(billNo);
        if (!"C".equals(text(order, "FDocumentStatus")) || !"A".equals(text(order, "FCloseStatus"))) {
            throw new IllegalStateException("sales order " + billNo + " is not audited and open: nothing can be stocked out");
        }
        for (JsonNode entry : field(order, "FSaleOrderEntry")) {
            BigDecimal quantity = field(entry, "FQty").decimalValue().multiply(share).stripTrailingZeros();
            EXECUTED.forEach(f -> ((ObjectNode) entry).put(f, quantity));
        }
        stamp(order, false);
    }

    /** Closes a sales order (关闭, {@code FCloseStatus B}), as {@code ExcuteOperation BillClose} does. */
    public void close(String billNo) {
        store.change(() -> {
            synchronized (this) {
                ObjectNode order = existingOrder(billNo);
                order.put("FCloseStatus", "B");
                stamp(order, false);
            }
        });
    }

    /** Puts a status code on a sales order as it is ({@code FDocumentStatus}, {@code FCloseStatus}, {@code FCancelStatus}), known or not. */
    public void status(String billNo, String field, String code) {
        store.change(() -> {
            synchronized (this) {
                ObjectNode order = existingOrder(billNo);
                order.put(field, code);
                stamp(order, false);
            }
        });
    }

    private ObjectNode existingOrder(String billNo) {
        ObjectNode order = salesOrder(billNo);
        if (order == null) {
            throw new IllegalArgumentException("no sales order " + billNo);
        }
        return order;
    }

    /** Finance voids a receivable (作废): {@code FCancelStatus B}, a new modify time. */
    public void cancelReceivable(String billNo) {
        store.change(() -> {
            synchronized (this) {
                ObjectNode bill = receivable(billNo);
                if (bill == null) {
                    throw new IllegalArgumentException("no receivable " + billNo);
                }
                bill.put("FCancelStatus", "B");
                stamp(bill, false);
            }
        });
    }

    public void reset() {
        store.change(() -> {
            forms.values().forEach(Map::clear);
            sessions.clear();
            invoiceDue.clear();
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
                return login(json.readTree(request.getBodyAsString()));
            }
            Matcher op = OPERATION.matcher(path);
            if (!op.matches()) {
                return new ResponseDefinitionBuilder().withStatus(404).withBody("The resource cannot be found.").build();
            }
            boolean query = op.group(1).equals("ExecuteBillQuery");
            if (!validSession(request)) {
                return failure(query, 1, null, SESSION_LOST);
            }
            JsonNode body = json.readTree(request.getBodyAsString());
            synchronized (this) {
                return switch (op.group(1)) {
                    case "Save" -> save(body.path("formid").asText(), body.path("data"));
                    case "View" -> view(body.path("formid").asText(), body.path("data"));
                    case "ExecuteBillQuery" -> query(body.path("data"));
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
        ObjectNode answer = json.createObjectNode();
        if (!acctId.equals(p.path(0).asText()) || !username.equals(p.path(1).asText()) || !password.equals(p.path(2).asText())) {
            answer.put("Message", acctId.equals(p.path(0).asText()) ? "用户名或密码错误！" : "数据中心不存在！")
                    .put("MessageCode", "CheckPasswordPolicy").put("LoginResultType", 0).putNull("Context").put("IsSuccessByAPI", false);
            return jsonAnswer(answer).build();
        }
        String session = UUID.randomUUID().toString().replace("-", "");
        sessions.add(session);
        logins.incrementAndGet();
        answer.putNull("Message").put("MessageCode", "CheckPasswordPolicy").put("LoginResultType", 1);
        answer.putObject("Context").put("UserLocale", "zh-CN").put("DBid", acctId).put("UserName", username)
                .put("SessionId", session).put("DatabaseType", 3).put("CurrentOrganizationInfo", ORG);
        answer.put("KDSVCSessionId", session).put("IsSuccessByAPI", true);
        return jsonAnswer(answer).withHeader("Set-Cookie", "kdservice-sessionid=" + session + "; path=/",
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

    // ---- Save ----

    private ResponseDefinition save(String formId, JsonNode data) {
        JsonNode model = data.path("Model");
        if (!model.isObject()) {
            return failure(false, 8, null, "Model 不能为空");
        }
        return switch (formId) {
            case CUSTOMER -> saveCustomer((ObjectNode) model.deepCopy());
            case SALES_ORDER -> saveSalesOrder((ObjectNode) model.deepCopy(), data.path("IsDeleteEntry").asBoolean(true));
            case RECEIPT -> saveCashBill(RECEIPT, (ObjectNode) model.deepCopy(), "FRECEIVEBILLENTRY", "FRECTOTALAMOUNTFOR", "FPAYUNIT");
            case RECEIPT_REFUND -> saveCashBill(RECEIPT_REFUND, (ObjectNode) model.deepCopy(), "FREFUNDBILLENTRY", "FREFUNDAMOUNTFOR", "FRECTUNIT");
            default -> failure(false, 5, null, "业务对象 " + formId + " 不存在或不支持保存");
        };
    }

    private ResponseDefinition saveCustomer(ObjectNode model) {
        long id = field(model, "FCUSTID").asLong(0);
        if (text(model, "FName").isBlank()) {
            return failure(false, 11, "FName", "字段“客户名称”是必填项");
        }
        if (!ORG.equals(field(field(model, "FCreateOrgId"), "FNumber").asText(""))) {
            return failure(false, 9, "FCreateOrgId", "字段“创建组织”的值“" + field(field(model, "FCreateOrgId"), "FNumber").asText("")
                    + "”不存在");
        }
        String number = text(model, "FNumber");
        if (id == 0) {
            if (number.isBlank()) {
                number = "CUST%04d".formatted(billNumbers.incrementAndGet());
                model.put("FNumber", number);
            }
            if (customer(number) != null) {
                return failure(false, 11, "FNumber", "编码“" + number + "”已经被使用，请重新录入！");
            }
            id = ids.incrementAndGet();
            model.put("FCUSTID", id);
            model.put("FDocumentStatus", "A").put("FForbidStatus", "A");
            stamp(model, true);
            customers().put(id, model);
            return saved(id, number);
        }
        ObjectNode existing = customers().get(id);
        if (existing == null) {
            return failure(false, 10, "FCUSTID", "内码为 " + id + " 的客户不存在");
        }
        if (!number.isBlank() && !number.equals(text(existing, "FNumber")) && customer(number) != null) {
            return failure(false, 11, "FNumber", "编码“" + number + "”已经被使用，请重新录入！");
        }
        model.fields().forEachRemaining(f -> existing.set(f.getKey(), f.getValue()));
        stamp(existing, false);
        return saved(id, text(existing, "FNumber"));
    }

    /** A new receipt or receipt refund: known customer and currency, a settlement type and a positive amount per entry. */
    private ResponseDefinition saveCashBill(String formId, ObjectNode model, String entryKey, String amountKey, String unitKey) {
        if (field(model, "FID").asLong(0) != 0) {
            return failure(false, 12, "FID", "已保存的收付款单不允许通过接口修改");
        }
        for (String key : List.of("FCONTACTUNIT", unitKey)) {
            String customer = field(field(model, key), "FNumber").asText("");
            if (customer(customer) == null) {
                return failure(false, 9, key, "字段“往来单位”的值“" + customer + "”不存在");
            }
        }
        String currency = field(field(model, "FCURRENCYID"), "FNumber").asText("");
        if (!CURRENCIES.containsKey(currency)) {
            return failure(false, 9, "FCURRENCYID", "字段“币别”的值不存在");
        }
        ((ObjectNode) field(model, "FCURRENCYID")).put("FCode", CURRENCIES.get(currency));
        if (!CURRENCIES.containsKey(field(field(model, "FSETTLECUR"), "FNumber").asText(""))) {
            return failure(false, 11, "FSETTLECUR", "字段“结算币别”是必填项");
        }
        JsonNode entries = field(model, entryKey);
        if (!entries.isArray() || entries.isEmpty()) {
            return failure(false, 11, entryKey, "单据体“明细”至少需要一行");
        }
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode entry : entries) {
            if (field(field(entry, "FSETTLETYPEID"), "FNumber").asText("").isBlank()) {
                return failure(false, 11, "FSETTLETYPEID", "字段“结算方式”是必填项");
            }
            BigDecimal amount = field(entry, amountKey).isNumber() ? field(entry, amountKey).decimalValue() : BigDecimal.ZERO;
            if (amount.signum() <= 0) {
                return failure(false, 11, amountKey, "金额必须大于 0");
            }
            total = total.add(amount);
        }
        String billNo = text(model, "FBillNo");
        if (billNo.isBlank()) {
            billNo = (RECEIPT.equals(formId) ? "SKD" : "SKTKD") + "%06d".formatted(billNumbers.incrementAndGet());
            model.put("FBillNo", billNo);
        } else if (find(formId, billNo) != null) {
            return failure(false, 11, "FBillNo", "单据编号“" + billNo + "”已经存在");
        }
        long id = ids.incrementAndGet();
        model.put("FID", id).put("FDocumentStatus", "A").put("FAMOUNT", total);
        stamp(model, true);
        forms.get(formId).put(id, model);
        return saved(id, billNo);
    }

    private ResponseDefinition saveSalesOrder(ObjectNode model, boolean deleteMissingEntries) {
        long id = field(model, "FID").asLong(0);
        ObjectNode existing = id == 0 ? null : salesOrders().get(id);
        if (id != 0 && existing == null) {
            return failure(false, 10, "FID", "内码为 " + id + " 的销售订单不存在");
        }
        if (existing != null && ("B".equals(text(existing, "FCloseStatus")) || "C".equals(text(existing, "FDocumentStatus")))) {
            return failure(false, 12, null, "单据 " + text(existing, "FBillNo") + " 已审核或已关闭，不允许修改");
        }
        ObjectNode merged = existing == null ? model : existing.deepCopy();
        if (existing != null) {
            Iterator<Map.Entry<String, JsonNode>> it = model.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getKey().equalsIgnoreCase("FSaleOrderEntry")) {
                    merged.set(f.getKey(), f.getValue());
                }
            }
        }
        String customer = field(field(merged, "FCustId"), "FNumber").asText("");
        if (customer(customer) == null) {
            return failure(false, 9, "FCustId", "字段“客户”的值“" + customer + "”不存在");
        }
        if (!ORG.equals(field(field(merged, "FSaleOrgId"), "FNumber").asText(""))) {
            return failure(false, 9, "FSaleOrgId", "字段“销售组织”的值不存在");
        }
        String currency = field(field(field(merged, "FSaleOrderFinance"), "FSettleCurrId"), "FNumber").asText("");
        if (!CURRENCIES.containsKey(currency)) {
            return failure(false, 9, "FSettleCurrId", "字段“结算币别”的值“" + currency + "”不存在");
        }
        ((ObjectNode) field(field(merged, "FSaleOrderFinance"), "FSettleCurrId")).put("FCode", CURRENCIES.get(currency));
        // entries: with FEntryID updated, without added, missing ones deleted (IsDeleteEntry)
        JsonNode sent = field(model, "FSaleOrderEntry");
        ArrayNode entries = json.createArrayNode();
        List<JsonNode> old = new ArrayList<>();
        (existing == null ? json.createArrayNode() : field(existing, "FSaleOrderEntry")).forEach(old::add);
        if (existing != null && !sent.isArray()) {
            old.forEach(entries::add);
        }
        for (JsonNode entry : sent.isArray() ? sent : json.createArrayNode()) {
            ObjectNode e = (ObjectNode) entry.deepCopy();
            if (field(field(e, "FMaterialId"), "FNumber").asText("").isBlank()) {
                return failure(false, 11, "FMaterialId", "第" + (entries.size() + 1) + "行，字段“物料编码”是必填项");
            }
            if (field(field(e, "FUnitID"), "FNumber").asText("").isBlank()) {
                return failure(false, 11, "FUnitID", "第" + (entries.size() + 1) + "行，字段“销售单位”是必填项");
            }
            if (field(e, "FQty").decimalValue().signum() <= 0) {
                return failure(false, 11, "FQty", "第" + (entries.size() + 1) + "行，销售数量必须大于0");
            }
            long entryId = field(e, "FEntryID").asLong(0);
            JsonNode before = null;
            if (entryId != 0) {
                before = old.stream().filter(o -> field(o, "FEntryID").asLong() == entryId).findFirst().orElse(null);
                if (before == null) {
                    return failure(false, 10, "FEntryID", "分录内码 " + entryId + " 不存在");
                }
                old.remove(before);
            } else {
                e.put("FEntryID", entryIds.incrementAndGet());
            }
            // execution quantities are Kingdee's (written back by outbound bills), never the client's
            for (String executed : EXECUTED) {
                e.put(executed, before == null ? BigDecimal.ZERO : field(before, executed).decimalValue());
            }
            entries.add(e);
        }
        if (!deleteMissingEntries) {
            old.forEach(entries::add);
        }
        if (entries.isEmpty()) {
            return failure(false, 11, "FSaleOrderEntry", "单据体“订单明细”至少需要一行");
        }
        merged.set("FSaleOrderEntry", entries);
        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode e : entries) {
            total = total.add(field(e, "FQty").decimalValue().multiply(field(e, "FTaxPrice").decimalValue()));
        }
        total = total.setScale(2, RoundingMode.HALF_UP);
        merged.put("FBillAllAmount", total);
        ((ObjectNode) field(merged, "FSaleOrderFinance")).put("FBillAllAmount", total);
        String billNo = text(merged, "FBillNo");
        if (existing == null) {
            if (billNo.isBlank()) {
                billNo = "XSDD%06d".formatted(billNumbers.incrementAndGet());
                merged.put("FBillNo", billNo);
            }
            if (salesOrder(billNo) != null) {
                return failure(false, 11, "FBillNo", "单据编号“" + billNo + "”已存在");
            }
            id = ids.incrementAndGet();
            merged.put("FID", id).put("FDocumentStatus", "A").put("FCloseStatus", "A").put("FCancelStatus", "A");
            stamp(merged, true);
            salesOrders().put(id, merged);
            Duration delay = invoiceAfter;
            if (delay != null) {
                long due = System.currentTimeMillis() + delay.toMillis();
                invoiceDue.put(billNo, due);
                scheduleReceivable(billNo, due);
            }
        } else {
            stamp(merged, false);
            salesOrders().put(id, merged);
        }
        return saved(id, billNo);
    }

    // ---- View and operations ----

    private ResponseDefinition view(String formId, JsonNode data) {
        if (!forms.containsKey(formId)) {
            return failure(false, 5, null, "业务对象 " + formId + " 不存在");
        }
        String number = data.path("Number").asText("");
        long id = data.path("Id").asLong(0);
        ObjectNode bill = !number.isEmpty() ? find(formId, number) : forms.get(formId).get(id);
        if (bill == null) {
            return failure(false, 10, null, "单据不存在或已被删除");
        }
        ObjectNode root = json.createObjectNode();
        ObjectNode result = root.putObject("Result");
        result.set("ResponseStatus", status(true, 0, null, null));
        result.set("Result", viewShape(bill));
        return jsonAnswer(root).build();
    }

    private ResponseDefinition operation(String formId, String opNumber, JsonNode data) {
        if (!SALES_ORDER.equals(formId) || !"BillClose".equalsIgnoreCase(opNumber)) {
            return failure(false, 4, null, "业务对象 " + formId + " 不支持操作 " + opNumber);
        }
        List<ObjectNode> bills = new ArrayList<>();
        for (JsonNode n : data.path("Numbers")) {
            ObjectNode bill = salesOrder(n.asText());
            if (bill == null) {
                return failure(false, 10, null, "单据 " + n.asText() + " 不存在");
            }
            bills.add(bill);
        }
        for (String i : data.path("Ids").asText("").split(",")) {
            if (!i.isBlank() && salesOrders().get(Long.parseLong(i.trim())) != null) {
                bills.add(salesOrders().get(Long.parseLong(i.trim())));
            }
        }
        if (bills.isEmpty()) {
            return failure(false, 8, null, "请指定要关闭的单据");
        }
        ArrayNode ok = json.createArrayNode();
        for (ObjectNode bill : bills) {
            bill.put("FCloseStatus", "B");
            stamp(bill, false);
            ok.addObject().put("Id", bill.path("FID").asLong()).put("Number", text(bill, "FBillNo")).put("DIndex", ok.size());
        }
        ObjectNode root = json.createObjectNode();
        ObjectNode status = status(true, 0, null, null);
        status.set("SuccessEntitys", ok);
        root.putObject("Result").set("ResponseStatus", status);
        return jsonAnswer(root).build();
    }

    // ---- ExecuteBillQuery ----

    private ResponseDefinition query(JsonNode data) {
        String formId = data.path("FormId").asText();
        Map<Long, ObjectNode> bills = forms.get(formId);
        if (bills == null) {
            return failure(true, 5, null, "业务对象 " + formId + " 不存在");
        }
        List<String> keys = new ArrayList<>();
        for (String k : data.path("FieldKeys").asText("").split(",")) {
            if (!k.isBlank()) {
                keys.add(k.trim());
            }
        }
        if (keys.isEmpty()) {
            return failure(true, 8, null, "FieldKeys 不能为空");
        }
        if (!data.path("FilterString").isTextual() && !data.path("FilterString").isMissingNode()) {
            return failure(true, 8, null, "FilterString 只支持字符串");
        }
        List<String[]> conditions = new ArrayList<>();
        String filter = data.path("FilterString").asText("").trim();
        if (!filter.isEmpty()) {
            for (String part : filter.split("(?i)\\s+and\\s+")) {
                Matcher m = CONDITION.matcher(part);
                if (!m.matches()) {
                    return failure(true, 4, null, "过滤条件语法错误: " + part);
                }
                conditions.add(new String[] {m.group(1), m.group(2), m.group(3) != null ? m.group(3).replace("''", "'") : m.group(4)});
            }
        }
        Set<String> all = new HashSet<>(keys);
        conditions.forEach(c -> all.add(c[0]));
        List<Map<String, JsonNode>> rows = new ArrayList<>();
        for (ObjectNode bill : bills.values()) {
            JsonNode entries = entryArray(bill);
            boolean perEntry = entries != null && all.stream().anyMatch(k -> resolve(bill, k) == null && resolve(entries.path(0), k) != null);
            List<JsonNode> contexts = new ArrayList<>();
            if (perEntry) {
                entries.forEach(contexts::add);
            } else {
                contexts.add(null);
            }
            for (JsonNode entry : contexts) {
                Map<String, JsonNode> row = new LinkedHashMap<>();
                for (String k : all) {
                    JsonNode v = resolve(bill, k);
                    if (v == null && entry != null) {
                        v = resolve(entry, k);
                    }
                    row.put(k, v == null ? JsonNodeFactory.instance.nullNode() : v);
                }
                if (conditions.stream().allMatch(c -> matches(row.get(c[0]), c[1], c[2]))) {
                    rows.add(row);
                }
            }
        }
        Comparator<Map<String, JsonNode>> order = null;
        for (String part : data.path("OrderString").asText("").split(",")) {
            String[] words = part.trim().split("\\s+");
            if (words[0].isEmpty()) {
                continue;
            }
            Comparator<Map<String, JsonNode>> by = (a, b) -> compare(a.getOrDefault(words[0], resolveMissing()), b.getOrDefault(words[0], resolveMissing()));
            if (words.length > 1 && words[1].equalsIgnoreCase("DESC")) {
                by = by.reversed();
            }
            order = order == null ? by : order.thenComparing(by);
        }
        if (order == null) {
            order = Comparator.comparing(r -> 0);
        }
        int start = data.path("StartRow").asInt(0);
        int limit = data.path("Limit").asInt(0) <= 0 ? 2000 : Math.min(data.path("Limit").asInt(), 10_000);
        ArrayNode result = json.createArrayNode();
        rows.stream().sorted(order).skip(start).limit(limit).forEach(row -> {
            ArrayNode values = result.addArray();
            keys.forEach(k -> values.add(row.get(k)));
        });
        return jsonAnswer(result).build();
    }

    private static JsonNode resolveMissing() {
        return JsonNodeFactory.instance.nullNode();
    }

    private static boolean matches(JsonNode value, String op, String literal) {
        if (value == null || value.isNull()) {
            return false;
        }
        int c = compareText(value.asText(), literal);
        return switch (op) {
            case "=" -> c == 0;
            case "<>", "!=" -> c != 0;
            case ">=" -> c >= 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c < 0;
        };
    }

    private static int compare(JsonNode a, JsonNode b) {
        if (a.isNull() || b.isNull()) {
            return Boolean.compare(!a.isNull(), !b.isNull());
        }
        return compareText(a.asText(), b.asText());
    }

    /** Numbers as numbers, date-times as date-times (either separator), everything else as text. */
    private static int compareText(String a, String b) {
        if (DATE.matcher(a).matches() && DATE.matcher(b).matches()) {
            return dateTime(a).compareTo(dateTime(b));
        }
        try {
            return new BigDecimal(a).compareTo(new BigDecimal(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }

    private static LocalDateTime dateTime(String text) {
        return text.length() == 10 ? LocalDate.parse(text).atStartOfDay() : LocalDateTime.parse(text.replace(' ', 'T'));
    }

    /** A field key ({@code FNumber}, {@code FCustId.FNumber}) on the bill, or on one of its 1:1 sub-entities. */
    private static JsonNode resolve(JsonNode node, String key) {
        if (node == null || !node.isObject()) {
            return null;
        }
        String[] parts = key.split("\\.");
        JsonNode current = field(node, parts[0]);
        if (current.isMissingNode()) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                JsonNode sub = it.next();
                if (sub.isObject() && !field(sub, parts[0]).isMissingNode()) {
                    current = field(sub, parts[0]);
                    break;
                }
            }
        }
        for (int i = 1; i < parts.length && !current.isMissingNode(); i++) {
            current = field(current, parts[i]);
        }
        return current.isMissingNode() || current.isContainerNode() ? null : current;
    }

    private static JsonNode entryArray(ObjectNode bill) {
        for (Iterator<JsonNode> it = bill.elements(); it.hasNext(); ) {
            JsonNode v = it.next();
            if (v.isArray() && !v.isEmpty() && v.get(0).isObject()) {
                return v;
            }
        }
        return null;
    }

    // ---- helpers ----

    /** Field keys are case-insensitive in Kingdee. */
    private static JsonNode field(JsonNode node, String key) {
        if (node == null || !node.isObject()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        JsonNode exact = node.get(key);
        if (exact != null) {
            return exact;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (name.equalsIgnoreCase(key)) {
                return node.get(name);
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = field(node, key);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }

    private ObjectNode find(String formId, String number) {
        String key = CUSTOMER.equals(formId) ? "FNumber" : "FBillNo";
        return forms.get(formId).values().stream().filter(b -> number.equals(text(b, key))).findFirst().orElse(null);
    }

    /** Create and modify date-times, strictly increasing as in one Kingdee server. */
    private synchronized void stamp(ObjectNode bill, boolean created) {
        LocalDateTime now = LocalDateTime.now(ZONE).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        while (!now.isAfter(lastChange)) { // strictly increasing, never ahead of the clock (pollers cut off at "now")
            Thread.onSpinWait();
            now = LocalDateTime.now(ZONE).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        }
        lastChange = now;
        if (created) {
            bill.put("FCreateDate", now.format(TIME));
        }
        bill.put("FModifyDate", now.format(TIME));
    }

    /** View's shape: field keys without the F prefix, ids as {@code Id}, references as {@code {"Number":…}}. */
    private JsonNode viewShape(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = json.createArrayNode();
            node.forEach(n -> out.add(viewShape(n)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = json.createObjectNode();
        node.fields().forEachRemaining(f -> {
            String k = f.getKey();
            String name = switch (k.toUpperCase()) {
                case "FID", "FENTRYID" -> "Id";
                // a customer's own id, not a bill's reference to its customer ({"FNumber":…} → CustId)
                case "FCUSTID" -> f.getValue().isNumber() ? "Id" : "CustId";
                default -> k.length() > 1 && k.charAt(0) == 'F' && Character.isUpperCase(k.charAt(1)) ? k.substring(1) : k;
            };
            out.set(name, viewShape(f.getValue()));
        });
        return out;
    }

    private ResponseDefinition saved(long id, String number) {
        ObjectNode root = json.createObjectNode();
        ObjectNode result = root.putObject("Result");
        ObjectNode status = status(true, 0, null, null);
        status.putArray("SuccessEntitys").addObject().put("Id", id).put("Number", number).put("DIndex", 0);
        result.set("ResponseStatus", status);
        result.put("Id", id).put("Number", number);
        result.putArray("NeedReturnData").addObject();
        return jsonAnswer(root).build();
    }

    private ObjectNode status(boolean success, int msgCode, String fieldName, String message) {
        ObjectNode status = json.createObjectNode();
        status.put("ErrorCode", success ? 0 : 500).put("IsSuccess", success);
        ArrayNode errors = status.putArray("Errors");
        if (message != null) {
            ObjectNode error = errors.addObject();
            if (fieldName == null) {
                error.putNull("FieldName");
            } else {
                error.put("FieldName", fieldName);
            }
            error.put("Message", message).put("DIndex", 0);
        }
        status.putArray("SuccessEntitys");
        status.putArray("SuccessMessages");
        status.put("MsgCode", msgCode);
        return status;
    }

    /** An error as Kingdee answers it: HTTP 200; ExecuteBillQuery wraps it in an array of arrays. */
    private ResponseDefinition failure(boolean query, int msgCode, String fieldName, String message) {
        ObjectNode root = json.createObjectNode();
        root.putObject("Result").set("ResponseStatus", status(false, msgCode, fieldName, message));
        if (query) {
            ArrayNode outer = json.createArrayNode();
            outer.addArray().add(root);
            return jsonAnswer(outer).build();
        }
        return jsonAnswer(root).build();
    }

    private static ResponseDefinitionBuilder jsonAnswer(JsonNode body) {
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body.toString());
    }
}
