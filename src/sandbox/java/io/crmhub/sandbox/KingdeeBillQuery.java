package io.crmhub.sandbox;

import static io.crmhub.sandbox.KingdeeAnswers.failure;
import static io.crmhub.sandbox.KingdeeRecords.JSON;
import static io.crmhub.sandbox.KingdeeRecords.field;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ExecuteBillQuery} over the sandbox's bills: {@code FieldKeys} (dotted for references, {@code FCustId.FNumber}),
 * a {@code FilterString} of conditions joined by {@code and} ({@code = <> != > >= < <=} against a quoted text or a
 * number; numbers compare as numbers, date-times as date-times), {@code OrderString}, {@code StartRow} and
 * {@code Limit}. The answer is an array of arrays in FieldKeys order; an entry field gives one row per entry.
 */
final class KingdeeBillQuery {
    private static final Pattern CONDITION = Pattern.compile("\\s*([\\w.]+)\\s*(>=|<=|<>|!=|=|>|<)\\s*(?:'((?:[^']|'')*)'|(-?\\d+(?:\\.\\d+)?))\\s*");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}([ T]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?)?");

    private KingdeeBillQuery() {
    }

    static ResponseDefinition answer(JsonNode data, KingdeeRecords records) {
        String formId = data.path("FormId").asText();
        Map<Long, ObjectNode> bills = records.form(formId);
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
            Comparator<Map<String, JsonNode>> by = (a, b) -> compare(a.getOrDefault(words[0], missing()), b.getOrDefault(words[0], missing()));
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
        ArrayNode result = JSON.createArrayNode();
        rows.stream().sorted(order).skip(start).limit(limit).forEach(row -> {
            ArrayNode values = result.addArray();
            keys.forEach(k -> values.add(row.get(k)));
        });
        return KingdeeAnswers.json(result).build();
    }

    private static JsonNode missing() {
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
}
