package io.crmhub.api;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/** What a field or parameter of a given Java type expects, in words a client understands (never a Java type name). */
public final class ExpectedValues {
    private ExpectedValues() {
    }

    public static String describe(Class<?> type) {
        if (type == null) {
            return "a value of another type";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == Long.class || type == Short.class || type == int.class || type == long.class
                || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == LocalDate.class) {
            return "a date such as 2026-01-31";
        }
        if (type == Instant.class || type == OffsetDateTime.class) {
            return "a date and time such as 2026-01-31T08:00:00Z";
        }
        if (type == Duration.class) {
            return "an ISO-8601 duration such as PT1H or P2D";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return "an object";
    }
}
