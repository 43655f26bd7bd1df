package io.crmhub.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.ClassUtil;
import io.crmhub.api.ProblemResponses.FieldError;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Validator;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;

/**
 * Reads every JSON request body of the API (types of the hub's own packages) so that one answer names every problem:
 * the body is parsed as a tree first (a key given twice is refused, not silently last-wins), then bound leniently —
 * unknown fields and values of the wrong type are collected and left null — and what bound is run through Bean
 * Validation; the errors are merged, the binding error of a field hiding the constraint errors it causes (a wrong
 * {@code type} is not also "must not be null"). Writing stays with Spring's own converter.
 */
class JsonBodyConverter extends MappingJackson2HttpMessageConverter {
    private static final String API_PACKAGE = "io.crmhub.";

    private final Validator validator;

    JsonBodyConverter(ObjectMapper json, Validator validator) {
        super(json.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));
        this.validator = validator;
    }

    @Override
    public boolean canRead(Class<?> clazz, MediaType mediaType) {
        return isApiType(clazz) && super.canRead(clazz, mediaType);
    }

    @Override
    public boolean canRead(Type type, Class<?> contextClass, MediaType mediaType) {
        return isApiType(getJavaType(type, contextClass).getRawClass()) && super.canRead(type, contextClass, mediaType);
    }

    @Override
    public boolean canWrite(Class<?> clazz, MediaType mediaType) {
        return false;
    }

    @Override
    public boolean canWrite(Type type, Class<?> clazz, MediaType mediaType) {
        return false;
    }

    private static boolean isApiType(Class<?> type) {
        return type != null && type.getName().startsWith(API_PACKAGE);
    }

    @Override
    public Object read(Type type, Class<?> contextClass, HttpInputMessage input) throws IOException {
        return bind(getJavaType(type, contextClass), input);
    }

    @Override
    protected Object readInternal(Class<?> clazz, HttpInputMessage input) throws IOException {
        return bind(getJavaType(clazz, null), input);
    }

    private Object bind(JavaType type, HttpInputMessage input) throws IOException {
        ObjectMapper json = getObjectMapper();
        JsonNode tree;
        try {
            tree = json.readTree(input.getBody());
        } catch (StreamReadException e) {
            throw new InvalidRequestBodyException(List.of(syntaxError(e)), input);
        } catch (IOException e) {
            throw new HttpMessageNotReadableException("The request body could not be read", e, input);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidRequestBodyException(List.of(new FieldError("body", "is required")), input);
        }
        List<FieldError> errors = new ArrayList<>();
        dropNulCharacters(tree, "", errors);
        dropContainersGivenForScalars(tree, type, "", errors);
        Object value = null;
        try {
            value = json.readerFor(type).withHandler(new Collector(errors)).readValue(tree);
        } catch (JsonMappingException e) { // a problem the collector cannot step over
            errors.add(new FieldError(path(e), "must be " + ExpectedValues.describe(e instanceof
                    com.fasterxml.jackson.databind.exc.MismatchedInputException m ? m.getTargetType() : null)));
        }
        if (value == null && errors.isEmpty()) {
            errors.add(new FieldError("body", "must be " + ExpectedValues.describe(type.getRawClass())));
        }
        if (value != null) {
            errors.addAll(violations(value, errors));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRequestBodyException(new ArrayList<>(new LinkedHashSet<>(errors)), input);
        }
        return value;
    }

    /**
     * An object or array where a scalar (string, number, enum, ...) belongs is noted and replaced by null here, because
     * Jackson's scalar deserializers cannot step over it (their problem-handler hook admits no placeholder value).
     */
    /**
     * Text with a NUL character (U+0000) is refused by name: PostgreSQL cannot store it in any text column, so it
     * would otherwise surface as a server error after part of the work.
     */
    private static void dropNulCharacters(JsonNode node, String path, List<FieldError> errors) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String at = path.isEmpty() ? name : path + "." + name;
                if (name.indexOf('\0') >= 0) {
                    errors.add(new FieldError(at.replace('\0', '?'), NUL_REASON));
                    object.remove(name);
                } else if (hasNul(object.get(name))) {
                    errors.add(new FieldError(at, NUL_REASON));
                    object.set(name, NullNode.getInstance());
                } else {
                    dropNulCharacters(object.get(name), at, errors);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (hasNul(array.get(i))) {
                    errors.add(new FieldError(path + "[" + i + "]", NUL_REASON));
                    array.set(i, NullNode.getInstance());
                } else {
                    dropNulCharacters(array.get(i), path + "[" + i + "]", errors);
                }
            }
        }
    }

    static final String NUL_REASON = "must not contain the NUL character (U+0000)";

    private static boolean hasNul(JsonNode node) {
        return node.isTextual() && node.textValue().indexOf('\0') >= 0;
    }

    private void dropContainersGivenForScalars(JsonNode node, JavaType type, String path, List<FieldError> errors) {
        if (type.isContainerType() && !type.isMapLikeType()) {
            if (node instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    if (check(array.get(i), type.getContentType(), path + "[" + i + "]", errors)) {
                        array.set(i, NullNode.getInstance());
                    }
                }
            }
        } else if (isApiType(type.getRawClass()) && !type.isEnumType() && node instanceof ObjectNode object) {
            Map<String, JavaType> properties = new HashMap<>();
            getObjectMapper().getDeserializationConfig().introspect(type).findProperties()
                    .forEach(p -> properties.put(p.getName(), p.getPrimaryType()));
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JavaType propertyType = properties.get(name);
                if (propertyType != null && check(object.get(name), propertyType, path.isEmpty() ? name : path + "." + name, errors)) {
                    object.set(name, NullNode.getInstance());
                }
            }
        }
    }

    /** True when {@code node} is an object or array given for a scalar; otherwise looks inside it. */
    private boolean check(JsonNode node, JavaType type, String path, List<FieldError> errors) {
        boolean scalar = !type.isContainerType() && !(isApiType(type.getRawClass()) && !type.isEnumType())
                && type.getRawClass() != Object.class && type.getRawClass() != JsonNode.class;
        if (scalar && node.isContainerNode()) {
            errors.add(new FieldError(path, "must be " + ExpectedValues.describe(type.getRawClass())));
            return true;
        }
        dropContainersGivenForScalars(node, type, path, errors);
        return false;
    }

    /** Constraint violations of what bound, minus those on (or below) a field that already failed to bind. */
    private List<FieldError> violations(Object value, List<FieldError> bindingErrors) {
        Set<String> failed = bindingErrors.stream().map(FieldError::field).collect(Collectors.toSet());
        return validator.validate(value).stream()
                .map(v -> new FieldError(field(v), v.getMessage()))
                .filter(e -> failed.stream().noneMatch(f -> f.equals("body") || e.field().equals(f)
                        || e.field().startsWith(f + ".") || e.field().startsWith(f + "[")))
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::reason))
                .toList();
    }

    /** {@code address.countryCode}, {@code lines[0].quantity}, {@code lines[0]} (an element itself) — as Spring names them. */
    static String field(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.isInIterable()) {
                field.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
            }
            if (node.getKind() == ElementKind.PROPERTY && node.getName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }

    private static FieldError syntaxError(StreamReadException e) {
        // Jackson's duplicate detection reports "Duplicate field 'x'" with the parser on that field
        if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                && e.getProcessor() != null) {
            return new FieldError(path(e.getProcessor()), "is given more than once");
        }
        String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
        return new FieldError("body", "is not valid JSON" + where);
    }

    /** The JSON path of the value the parser is on: {@code lines[1].unitPrice}. */
    private static String path(JsonParser parser) {
        JsonStreamContext context = parser.getParsingContext();
        JsonToken token = parser.currentToken();
        if (context != null && (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)) {
            context = context.getParent(); // the parser has stepped into the value already
        }
        Deque<String> parts = new ArrayDeque<>();
        for (; context != null && !context.inRoot(); context = context.getParent()) {
            if (context.inArray()) {
                parts.push("[" + Math.max(0, context.getCurrentIndex()) + "]");
            } else if (context.getCurrentName() != null) {
                parts.push(context.getCurrentName());
            }
        }
        return join(parts);
    }

    private static String path(JsonMappingException e) {
        Deque<String> parts = new ArrayDeque<>();
        e.getPath().forEach(r -> parts.add(r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]"));
        return join(parts);
    }

    private static String join(Deque<String> parts) {
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            path.append(part.startsWith("[") || path.isEmpty() ? "" : ".").append(part);
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    /** Notes each binding problem with its field and lets binding go on with the value left null. */
    private static final class Collector extends DeserializationProblemHandler {
        private final List<FieldError> errors;

        Collector(List<FieldError> errors) {
            this.errors = errors;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                             Object beanOrClass, String propertyName) throws IOException {
            errors.add(new FieldError(path(p), "is not a known field"));
            p.skipChildren();
            return true;
        }

        @Override
        public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
            return wrongType(ctxt.getParser(), targetType);
        }

        @Override
        public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) {
            return wrongType(ctxt.getParser(), targetType);
        }

        @Override
        public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
                                            String failureMsg) throws IOException {
            Object placeholder = wrongType(p, targetType.getRawClass());
            p.skipChildren();
            return placeholder;
        }

        @Override
        public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass, ValueInstantiator valueInsts,
                                                JsonParser p, String msg) throws IOException {
            Object placeholder = wrongType(p, instClass);
            p.skipChildren();
            return placeholder;
        }

        private Object wrongType(JsonParser p, Class<?> targetType) {
            errors.add(new FieldError(path(p), "must be " + ExpectedValues.describe(targetType)));
            return targetType.isPrimitive() ? ClassUtil.defaultValue(targetType) : null;
        }
    }
}
