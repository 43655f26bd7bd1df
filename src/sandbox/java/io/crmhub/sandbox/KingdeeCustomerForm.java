package io.crmhub.sandbox;

import static io.crmhub.sandbox.KingdeeAnswers.failure;
import static io.crmhub.sandbox.KingdeeAnswers.saved;
import static io.crmhub.sandbox.KingdeeRecords.CUSTOMER;
import static io.crmhub.sandbox.KingdeeRecords.field;
import static io.crmhub.sandbox.KingdeeRecords.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

/** Customers ({@code BD_Customer}): created with a number of their own or the next {@code CUSTnnnn}, updated by FCUSTID. */
final class KingdeeCustomerForm implements KingdeeForm {
    private final KingdeeRecords records;

    KingdeeCustomerForm(KingdeeRecords records) {
        this.records = records;
    }

    @Override
    public String formId() {
        return CUSTOMER;
    }

    @Override
    public ResponseDefinition save(ObjectNode model, JsonNode data) {
        long id = field(model, "FCUSTID").asLong(0);
        if (text(model, "FName").isBlank()) {
            return failure(11, "FName", "字段“客户名称”是必填项");
        }
        if (!KingdeeSandbox.ORG.equals(field(field(model, "FCreateOrgId"), "FNumber").asText(""))) {
            return failure(9, "FCreateOrgId", "字段“创建组织”的值“" + field(field(model, "FCreateOrgId"), "FNumber").asText("")
                    + "”不存在");
        }
        String number = text(model, "FNumber");
        if (id == 0) {
            if (number.isBlank()) {
                number = "CUST%04d".formatted(records.billNumbers.incrementAndGet());
                model.put("FNumber", number);
            }
            if (records.find(CUSTOMER, number) != null) {
                return failure(11, "FNumber", "编码“" + number + "”已经被使用，请重新录入！");
            }
            id = records.ids.incrementAndGet();
            model.put("FCUSTID", id);
            model.put("FDocumentStatus", "A").put("FForbidStatus", "A");
            records.stamp(model, true);
            records.form(CUSTOMER).put(id, model);
            return saved(id, number);
        }
        ObjectNode existing = records.form(CUSTOMER).get(id);
        if (existing == null) {
            return failure(10, "FCUSTID", "内码为 " + id + " 的客户不存在");
        }
        if (!number.isBlank() && !number.equals(text(existing, "FNumber")) && records.find(CUSTOMER, number) != null) {
            return failure(11, "FNumber", "编码“" + number + "”已经被使用，请重新录入！");
        }
        model.fields().forEachRemaining(f -> existing.set(f.getKey(), f.getValue()));
        records.stamp(existing, false);
        return saved(id, text(existing, "FNumber"));
    }
}
