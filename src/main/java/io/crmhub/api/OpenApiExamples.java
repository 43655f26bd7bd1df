package io.crmhub.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;

/**
 * Examples of the OpenAPI description, kept as data in {@code openapi/examples.yaml}: {@code "METHOD path"} → a
 * {@code request} body and named {@code responses} by status. Applying them again changes nothing, so each
 * customizer that adds paths (springdoc runs customizers in no set order) applies them to what it added.
 */
public final class OpenApiExamples {
    private static final String FILE = "openapi/examples.yaml";
    private static final Map<String, JsonNode> EXAMPLES = read();

    private OpenApiExamples() {
    }

    public static void apply(OpenAPI api) {
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            JsonNode example = EXAMPLES.get(method.name() + " " + path);
            if (example != null) {
                apply(op, example);
            }
        }));
    }

    private static void apply(Operation op, JsonNode example) {
        if (example.has("request") && op.getRequestBody() != null && op.getRequestBody().getContent() != null) {
            op.getRequestBody().getContent().values().forEach(m -> m.setExample(example.get("request")));
        }
        example.path("responses").fields().forEachRemaining(status -> {
            if (op.getResponses() == null) {
                op.setResponses(new ApiResponses());
            }
            ApiResponse response = op.getResponses().get(status.getKey());
            if (response == null) { // a ResponseEntity's status is not visible to springdoc: 201 replaces its guessed 200
                ApiResponse guessed = "201".equals(status.getKey()) ? op.getResponses().remove("200") : null;
                response = guessed != null ? guessed.description("Created") : new ApiResponse().description("Answer");
                op.getResponses().addApiResponse(status.getKey(), response);
            }
            if (response.getContent() == null || response.getContent().isEmpty()) {
                response.setContent(new Content().addMediaType("application/json", new MediaType()));
            }
            Map<String, Example> named = new LinkedHashMap<>();
            status.getValue().fields().forEachRemaining(e -> named.put(e.getKey(), new Example().value(e.getValue())));
            response.getContent().values().forEach(m -> m.setExamples(named));
        });
    }

    private static Map<String, JsonNode> read() {
        try (InputStream in = new ClassPathResource(FILE).getInputStream()) {
            Map<String, JsonNode> examples = new LinkedHashMap<>();
            new ObjectMapper(new YAMLFactory()).readTree(in).fields().forEachRemaining(e -> examples.put(e.getKey(), e.getValue()));
            return examples;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE, e);
        }
    }
}
