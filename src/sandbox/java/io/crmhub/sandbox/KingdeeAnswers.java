package io.crmhub.sandbox;

import static io.crmhub.sandbox.KingdeeRecords.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

/** The Kingdee WebAPI's answers: saved, viewed, failed (business errors inside HTTP 200), as Kingdee shapes them. */
final class KingdeeAnswers {
    private KingdeeAnswers() {
    }

    static ResponseDefinition saved(long id, String number) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode result = root.putObject("Result");
        ObjectNode status = status(true, 0, null, null);
        status.putArray("SuccessEntitys").addObject().put("Id", id).put("Number", number).put("DIndex", 0);
        result.set("ResponseStatus", status);
        result.put("Id", id).put("Number", number);
        result.putArray("NeedReturnData").addObject();
        return json(root).build();
    }

    /** View's answer: the bill in View's shape. */
    static ResponseDefinition viewed(JsonNode bill) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode result = root.putObject("Result");
        result.set("ResponseStatus", status(true, 0, null, null));
        result.set("Result", viewShape(bill));
        return json(root).build();
    }

    static ObjectNode status(boolean success, int msgCode, String fieldName, String message) {
        ObjectNode status = JSON.createObjectNode();
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
    static ResponseDefinition failure(boolean query, int msgCode, String fieldName, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("Result").set("ResponseStatus", status(false, msgCode, fieldName, message));
        if (query) {
            ArrayNode outer = JSON.createArrayNode();
            outer.addArray().add(root);
            return json(outer).build();
        }
        return json(root).build();
    }

    /** A business error of Save, View or an operation (not of ExecuteBillQuery). */
    static ResponseDefinition failure(int msgCode, String fieldName, String message) {
        return failure(false, msgCode, fieldName, message);
    }

    static ResponseDefinitionBuilder json(JsonNode body) {
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body.toString());
    }

    /** View's shape: field keys without the F prefix, ids as {@code Id}, references as {@code {"Number":…}}. */
    private static JsonNode viewShape(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = JSON.createArrayNode();
            node.forEach(n -> out.add(viewShape(n)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = JSON.createObjectNode();
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
}
