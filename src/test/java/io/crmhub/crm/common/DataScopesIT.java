package io.crmhub.crm.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crmhub.sandbox.WechatPaySandboxServer;
import io.crmhub.support.HubIntegrationTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Data scopes with the demo users: {@code sales} and {@code sales2} (both of team {@code east}) each see only their
 * own customers and orders and the team's, by id, in lists and filters, timelines, payments and when starting a
 * payment; another owner's record is 404 to them. FINANCE and ENGINEER see all; an engineer reassigns, audited.
 */
class DataScopesIT extends HubIntegrationTest {
    private static final WechatPaySandboxServer WECHAT = WechatPaySandboxServer.start(0);

    @DynamicPropertySource
    static void wechatPay(DynamicPropertyRegistry registry) {
        WECHAT.hubProperties("http://127.0.0.1:1/replaced-by-the-test").forEach((k, v) -> registry.add(k, () -> v));
    }

    private record Owned(long customer, long order) {
    }

    private Owned customerWithOrder(String user, String extra) {
        ResponseEntity<String> customer = call(user, HttpMethod.POST, "/api/customers",
                customerJson(user + " Trading " + System.nanoTime(), uniquePhone(), "CN").replaceFirst("^\\{", "{" + extra));
        assertThat(customer.getStatusCode().value()).as(customer.getBody()).isEqualTo(201);
        long id = json(customer).path("id").asLong();
        ResponseEntity<String> order = call(user, HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","status":"CONFIRMED",
                 "lines":[{"sku":"TEA-01","quantity":2,"unit":"EA","unitPrice":"88.00"}]}""".formatted(id));
        assertThat(order.getStatusCode().value()).as(order.getBody()).isEqualTo(201);
        return new Owned(id, json(order).path("id").asLong());
    }

    private int status(String user, HttpMethod method, String path, String body) {
        return call(user, method, path, body).getStatusCode().value();
    }

    private List<Long> ids(String user, String path) {
        JsonNode page = json(call(user, HttpMethod.GET, path + (path.contains("?") ? "&" : "?") + "size=200", null));
        List<Long> ids = new ArrayList<>();
        page.path("items").forEach(i -> ids.add(i.path("id").asLong()));
        assertThat(page.path("totalItems").asLong()).as("the count is of the same scope").isEqualTo(ids.size());
        return ids;
    }

    private List<String> owners(String user, String path) {
        List<String> owners = new ArrayList<>();
        json(call(user, HttpMethod.GET, path + "?size=200", null)).path("items").forEach(i -> owners.add(i.path("owner").asText(null)));
        return owners;
    }

    private long payment(String user, long order) {
        ResponseEntity<String> created = call(user, HttpMethod.POST, "/api/orders/" + order + "/payments", "{\"provider\":\"wechatpay\"}");
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        return json(created).path("paymentId").asLong();
    }

    @Test
    void aSalesUserReachesNeitherAnotherOwnersCustomerNorItsOrdersPaymentsOrTimeline() {
        Owned mine = customerWithOrder("sales", "");
        Owned theirs = customerWithOrder("sales2", "");
        assertThat(json(call("sales", HttpMethod.GET, "/api/customers/" + mine.customer(), null)).path("owner").asText()).isEqualTo("sales");
        assertThat(json(call("sales2", HttpMethod.GET, "/api/orders/" + theirs.order(), null)).path("owner").asText())
                .as("an order belongs to its customer's owner").isEqualTo("sales2");
        long theirPayment = payment("sales2", theirs.order());
        long myPayment = payment("sales", mine.order());

        // by id: not found, as if it did not exist; writes too
        String customer = "/api/customers/" + theirs.customer();
        String order = "/api/orders/" + theirs.order();
        assertThat(status("sales", HttpMethod.GET, customer, null)).isEqualTo(404);
        assertThat(status("sales", HttpMethod.PUT, customer, customerJson("Taken Over", uniquePhone(), "CN"))).isEqualTo(404);
        assertThat(status("sales", HttpMethod.GET, order, null)).isEqualTo(404);
        assertThat(status("sales", HttpMethod.PUT, order, """
                {"customerId":%d,"currency":"CNY","lines":[{"sku":"TEA-01","quantity":1,"unit":"EA","unitPrice":"1.00"}]}"""
                .formatted(theirs.customer()))).isEqualTo(404);
        assertThat(status("sales", HttpMethod.GET, order + "/timeline", null)).isEqualTo(404);
        assertThat(status("sales", HttpMethod.POST, order + "/payments", "{\"provider\":\"wechatpay\"}")).isEqualTo(404);
        assertThat(status("sales", HttpMethod.GET, "/api/payments/" + theirPayment, null)).isEqualTo(404);
        ResponseEntity<String> foreignCustomer = call("sales", HttpMethod.POST, "/api/orders", """
                {"customerId":%d,"currency":"CNY","lines":[{"sku":"TEA-01","quantity":1,"unit":"EA","unitPrice":"1.00"}]}"""
                .formatted(theirs.customer()));
        assertThat(foreignCustomer.getStatusCode().value()).isEqualTo(400);
        assertThat(json(foreignCustomer).path("errors").get(0).path("field").asText()).isEqualTo("customerId");

        // lists and filters: in SQL, counted in the same scope
        assertThat(ids("sales", "/api/customers")).contains(mine.customer()).doesNotContain(theirs.customer());
        assertThat(owners("sales", "/api/customers")).allMatch(o -> o.equals("sales") || o.equals("team:east"));
        assertThat(ids("sales", "/api/orders")).contains(mine.order()).doesNotContain(theirs.order());
        assertThat(ids("sales", "/api/orders?customerId=" + theirs.customer())).isEmpty();
        assertThat(ids("sales", "/api/payments")).contains(myPayment).doesNotContain(theirPayment);
        assertThat(ids("sales", "/api/payments?orderId=" + theirs.order())).isEmpty();
        assertThat(ids("sales2", "/api/customers")).contains(theirs.customer()).doesNotContain(mine.customer());

        // the owner sees theirs; FINANCE and ENGINEER see all
        assertThat(status("sales2", HttpMethod.GET, order + "/timeline", null)).isEqualTo(200);
        assertThat(status("sales2", HttpMethod.GET, "/api/payments/" + theirPayment, null)).isEqualTo(200);
        for (String all : List.of("finance", "engineer")) {
            assertThat(ids(all, "/api/customers")).contains(mine.customer(), theirs.customer());
            assertThat(ids(all, "/api/orders")).contains(mine.order(), theirs.order());
            assertThat(ids(all, "/api/payments")).contains(myPayment, theirPayment);
            assertThat(status(all, HttpMethod.GET, order + "/timeline", null)).isEqualTo(200);
            assertThat(status(all, HttpMethod.GET, customer, null)).isEqualTo(200);
        }

        // message tracking by business key stays ENGINEER-only (README): no way round the scope there either
        assertThat(status("sales", HttpMethod.GET, "/api/ops/messages?key=customer:" + theirs.customer(), null)).isEqualTo(403);
        assertThat(status("engineer", HttpMethod.GET, "/api/ops/messages?key=customer:" + theirs.customer(), null)).isEqualTo(200);
    }

    @Test
    void aTeamsRecordsAreSeenByEveryMemberAndASalesUserGivesOnlyToThemselfOrTheirTeams() {
        Owned team = customerWithOrder("sales", "\"owner\":\"team:east\",");
        assertThat(json(call("sales2", HttpMethod.GET, "/api/customers/" + team.customer(), null)).path("owner").asText()).isEqualTo("team:east");
        assertThat(ids("sales2", "/api/orders?customerId=" + team.customer())).containsExactly(team.order());
        assertThat(status("sales2", HttpMethod.GET, "/api/orders/" + team.order() + "/timeline", null)).isEqualTo(200);

        for (String other : List.of("sales2", "team:west", "engineer")) {
            ResponseEntity<String> refused = call("sales", HttpMethod.POST, "/api/customers",
                    customerJson("Not Mine", uniquePhone(), "CN").replaceFirst("^\\{", "{\"owner\":\"" + other + "\","));
            assertThat(refused.getStatusCode().value()).as(other).isEqualTo(400);
            assertThat(json(refused).path("errors").get(0).path("field").asText()).isEqualTo("owner");
        }
        ResponseEntity<String> viaPut = call("sales", HttpMethod.PUT, "/api/customers/" + team.customer(),
                customerJson("Renamed", uniquePhone(), "CN").replaceFirst("^\\{", "{\"owner\":\"sales\","));
        assertThat(viaPut.getStatusCode().value()).as("PUT does not reassign").isEqualTo(400);
    }

    @Test
    void anEngineerReassignsACustomerWithItsOrdersAndTheAuditLogShowsBeforeAndAfter() {
        Owned moved = customerWithOrder("sales", "");
        String path = "/api/customers/" + moved.customer() + "/owner";
        String body = "{\"owner\":\"sales2\",\"reason\":\"sales left the east region\"}";
        assertThat(status("sales", HttpMethod.PUT, path, body)).as("SALES may not reassign").isEqualTo(403);
        assertThat(status("finance", HttpMethod.PUT, path, body)).isEqualTo(403);
        ResponseEntity<String> unknown = call("engineer", HttpMethod.PUT, path, "{\"owner\":\"nobody\",\"reason\":\"typo\"}");
        assertThat(unknown.getStatusCode().value()).isEqualTo(400);
        assertThat(json(unknown).path("errors").get(0).path("field").asText()).isEqualTo("owner");
        assertThat(status("engineer", HttpMethod.PUT, path, "{\"owner\":\"sales2\"}")).as("a reason is required").isEqualTo(400);

        ResponseEntity<String> reassigned = call("engineer", HttpMethod.PUT, path, body);
        assertThat(reassigned.getStatusCode().value()).as(reassigned.getBody()).isEqualTo(200);
        JsonNode change = json(reassigned);
        assertThat(change.path("previousOwner").asText()).isEqualTo("sales");
        assertThat(change.path("owner").asText()).isEqualTo("sales2");
        assertThat(change.path("orders").get(0).asLong()).isEqualTo(moved.order());

        assertThat(status("sales", HttpMethod.GET, "/api/customers/" + moved.customer(), null)).isEqualTo(404);
        assertThat(status("sales", HttpMethod.GET, "/api/orders/" + moved.order(), null)).isEqualTo(404);
        assertThat(json(call("sales2", HttpMethod.GET, "/api/orders/" + moved.order(), null)).path("owner").asText()).isEqualTo("sales2");
        assertThat(json(call("sales2", HttpMethod.GET, "/api/customers/" + moved.customer(), null)).path("version").asLong())
                .as("the owner is not part of what the ERPs receive: no new version").isEqualTo(1);

        JsonNode audit = json(call("engineer", HttpMethod.GET, "/api/ops/audit?action=owner.reassign&targetType=customer&targetId="
                + moved.customer(), null)).path("items");
        assertThat(audit.size()).isEqualTo(1);
        assertThat(audit.get(0).path("actor").asText()).isEqualTo("engineer");
        assertThat(audit.get(0).path("reason").asText()).isEqualTo("sales left the east region");
        assertThat(audit.get(0).path("detail").asText()).contains("\"from\":\"sales\"", "\"to\":\"sales2\"", "\"orders\":[" + moved.order() + "]");

        // one order back to the team, on its own
        ResponseEntity<String> order = call("engineer", HttpMethod.PUT, "/api/orders/" + moved.order() + "/owner",
                "{\"owner\":\"team:east\",\"reason\":\"shared account\"}");
        assertThat(json(order).path("previousOwner").asText()).isEqualTo("sales2");
        assertThat(status("sales", HttpMethod.GET, "/api/orders/" + moved.order(), null)).isEqualTo(200);
        assertThat(status("sales", HttpMethod.GET, "/api/customers/" + moved.customer(), null)).isEqualTo(404);
    }

    @Test
    void aDuplicatePhoneIsRefusedAcrossOwnersButNamesTheOtherCustomerOnlyToWhoMaySeeIt() {
        String phone = uniquePhone();
        long mine = json(call("sales", HttpMethod.POST, "/api/customers", customerJson("First Co " + System.nanoTime(), phone, "CN")))
                .path("id").asLong();
        ResponseEntity<String> bySales2 = call("sales2", HttpMethod.POST, "/api/customers", customerJson("Second Co", phone, "CN"));
        assertThat(bySales2.getStatusCode().value()).isEqualTo(409);
        assertThat(json(bySales2).path("errors").get(0).path("field").asText()).isEqualTo("phone");
        assertThat(json(bySales2).has("existingId")).as("sales's customer stays unknown to sales2").isFalse();
        ResponseEntity<String> bySales = call("sales", HttpMethod.POST, "/api/customers", customerJson("Again Co", phone, "CN"));
        assertThat(json(bySales).path("existingId").asLong()).as("their own").isEqualTo(mine);
        ResponseEntity<String> byEngineer = call("engineer", HttpMethod.POST, "/api/customers", customerJson("Third Co", phone, "CN"));
        assertThat(json(byEngineer).path("existingId").asLong()).isEqualTo(mine);
    }

    @Test
    void theClearContactIsReadOnlyByItsOwnerOrFinanceWithAReasonAndEveryReadIsAudited() {
        String phone = uniquePhone();
        ResponseEntity<String> created = call("sales", HttpMethod.POST, "/api/customers", customerJson("Contact Co " + System.nanoTime(), phone, "CN"));
        long id = json(created).path("id").asLong();
        assertThat(json(created).path("phone").asText()).as("answers mask it").doesNotContain(phone.substring(phone.length() - 8));
        String path = "/api/customers/" + id + "/contact";

        ResponseEntity<String> read = call("sales", HttpMethod.GET, path + "?reason=call+back+about+the+offer", null);
        assertThat(read.getStatusCode().value()).as(read.getBody()).isEqualTo(200);
        assertThat(json(read).path("phone").asText()).isEqualTo(phone);
        assertThat(read.getHeaders().getCacheControl()).contains("no-store");
        assertThat(status("finance", HttpMethod.GET, path + "?reason=invoice+address", null)).isEqualTo(200);

        assertThat(status("sales2", HttpMethod.GET, path + "?reason=curious", null)).as("another owner's customer").isEqualTo(404);
        assertThat(status("engineer", HttpMethod.GET, path + "?reason=debugging", null)).as("operators do not read it").isEqualTo(403);
        ResponseEntity<String> noReason = call("sales", HttpMethod.GET, path, null);
        assertThat(noReason.getStatusCode().value()).isEqualTo(400);
        assertThat(json(noReason).path("errors").get(0).path("field").asText()).isEqualTo("reason");

        JsonNode audit = json(call("engineer", HttpMethod.GET, "/api/ops/audit?action=customer.personal-data-read&targetType=customer&targetId="
                + id, null)).path("items");
        assertThat(audit.size()).as("two reads, two entries; refused ones none").isEqualTo(2);
        assertThat(audit.findValuesAsText("actor")).containsExactlyInAnyOrder("sales", "finance");
        assertThat(audit.findValuesAsText("reason")).contains("call back about the offer");
        assertThat(audit.get(0).path("detail").asText()).contains("phone").doesNotContain(phone.substring(phone.length() - 8));
    }

    @Test
    void aCustomerCreatedByAnEngineerWithoutOwnerIsUnownedAndSeenByFinanceAndEngineersOnly() {
        ResponseEntity<String> created = call("engineer", HttpMethod.POST, "/api/customers", customerJson("Unowned Co", uniquePhone(), "CN"));
        assertThat(created.getStatusCode().value()).as(created.getBody()).isEqualTo(201);
        long id = json(created).path("id").asLong();
        assertThat(json(created).has("owner")).isFalse();
        assertThat(status("sales", HttpMethod.GET, "/api/customers/" + id, null)).isEqualTo(404);
        assertThat(status("sales2", HttpMethod.GET, "/api/customers/" + id, null)).isEqualTo(404);
        assertThat(status("finance", HttpMethod.GET, "/api/customers/" + id, null)).isEqualTo(200);

        ResponseEntity<String> given = call("engineer", HttpMethod.POST, "/api/customers",
                customerJson("Given Co", uniquePhone(), "CN").replaceFirst("^\\{", "{\"owner\":\"sales2\","));
        assertThat(json(given).path("owner").asText()).isEqualTo("sales2");
        assertThat(status("sales2", HttpMethod.GET, "/api/customers/" + json(given).path("id").asLong(), null)).isEqualTo(200);
    }

    @Test
    void theScopeIsNoParameterOfTheApiDescription() {
        ResponseEntity<String> answer = call(null, HttpMethod.GET, "/v3/api-docs", null);
        JsonNode docs = json(answer);
        assertThat(docs.path("paths").path("/api/customers").path("get").path("parameters").findValuesAsText("name"))
                .isNotEmpty().doesNotContain("scope");
        assertThat(answer.getBody()).doesNotContain("DataScope");
        assertThat(docs.path("paths").path("/api/customers/{id}/owner").path("put").isMissingNode()).isFalse();
    }
}
