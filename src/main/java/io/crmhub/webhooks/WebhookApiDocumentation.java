package io.crmhub.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.routing.WebhookVerifier.Acknowledgement;
import io.crmhub.routing.WebhookVerifier.BodyFormat;
import io.crmhub.routing.WebhookVerifier.Documentation;
import io.crmhub.routing.WebhookVerifier.Endpoint;
import io.crmhub.routing.WebhookVerifier.Field;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import java.util.List;
import java.util.Map;

/**
 * One OpenAPI path per verifier, from its {@link Documentation}: the signature it carries (verified on the raw body; no
 * user authentication), its body and its exact acknowledgement, plus the answers every webhook shares.
 */
final class WebhookApiDocumentation {
    static final String FAILURE = "WebhookFailure";
    private static final Map<String, String> FAILURE_EXAMPLE = Map.of("code", "FAIL", "message", "notification refused");

    private final ObjectMapper json;

    WebhookApiDocumentation(ObjectMapper json) {
        this.json = json;
    }

    void add(OpenAPI api, WebhookRoutes.Route route) {
        if (api.getComponents() == null) {
            api.setComponents(new Components());
        }
        api.getComponents().addSchemas(FAILURE, new ObjectSchema()
                .description("Every error answer of /webhooks/**, the shape WeChat Pay expects; the other providers only read the status")
                .addProperty("code", new StringSchema()._enum(List.of("FAIL")))
                .addProperty("message", new StringSchema()));
        Endpoint endpoint = route.endpoint();
        PathItem item = new PathItem().post(notification(endpoint));
        if (endpoint.hasHandshake()) {
            item.get(handshake(endpoint));
        }
        api.path(route.documentedPath(), item);
    }

    private Operation notification(Endpoint endpoint) {
        Documentation doc = endpoint.notification();
        MediaType body = new MediaType().example(example(endpoint.format(), doc.example()));
        if (!doc.bodyFields().isEmpty()) {
            ObjectSchema schema = new ObjectSchema();
            doc.bodyFields().forEach(f -> schema.addProperty(f.name(), new StringSchema().description(f.description())));
            body.schema(schema);
        }
        Operation op = operation(endpoint, doc, doc.description() + " Refused notifications get 401 and are audited; 503 with "
                + "Retry-After when it could not be stored.")
                .requestBody(new RequestBody().required(true).content(new Content().addMediaType(endpoint.format().mediaType(), body)));
        Acknowledgement ack = endpoint.ack();
        ApiResponse accepted = new ApiResponse().description("accepted (or accepted before): the provider's exact acknowledgement");
        if (ack.body() != null) {
            accepted.content(new Content().addMediaType(ack.contentType(), new MediaType().example(ack.body())));
        }
        op.getResponses().addApiResponse(String.valueOf(ack.status()), accepted);
        op.getResponses().addApiResponse("413", failure("body above crmhub.api.max-body-size"));
        op.getResponses().addApiResponse("503", failure("not stored (Retry-After: 5); the provider re-sends"));
        return op;
    }

    private Operation handshake(Endpoint endpoint) {
        Documentation doc = endpoint.handshakeDoc();
        Operation op = operation(endpoint, doc, doc.description() + " A challenge that does not verify gets 401 and is audited.");
        op.getResponses().addApiResponse("200", new ApiResponse().description("the challenge, as the provider expects it back")
                .content(new Content().addMediaType("text/plain", new MediaType().example(doc.example()))));
        return op;
    }

    private Operation operation(Endpoint endpoint, Documentation doc, String description) {
        Operation op = new Operation().addTagsItem("Webhooks: " + endpoint.category()).summary(doc.summary()).description(description)
                .responses(new ApiResponses()
                        .addApiResponse("401", failure("refused: signature, key, timestamp or probe"))
                        .addApiResponse("404", failure("no connector configured for the provider" + (endpoint.perAccount() ? " or account" : "")))
                        .addApiResponse("405", failure("another method; `Allow` names the methods served")));
        if (endpoint.perAccount()) {
            op.addParametersItem(new Parameter().in("path").name("account").required(true)
                    .description("which of the provider's accounts this hub serves it was sent to").schema(new StringSchema()));
        }
        doc.headers().forEach(f -> op.addParametersItem(parameter("header", f)));
        doc.query().forEach(f -> op.addParametersItem(parameter("query", f)));
        return op;
    }

    private Object example(BodyFormat format, String example) {
        if (format != BodyFormat.JSON) {
            return example;
        }
        try {
            return json.readTree(example);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the example of a JSON webhook is not JSON: " + example, e);
        }
    }

    private static ApiResponse failure(String description) {
        @SuppressWarnings("rawtypes")
        Schema ref = new Schema<>().$ref("#/components/schemas/" + FAILURE);
        return new ApiResponse().description(description)
                .content(new Content().addMediaType("application/json", new MediaType().schema(ref).example(FAILURE_EXAMPLE)));
    }

    private static Parameter parameter(String in, Field field) {
        return new Parameter().in(in).name(field.name()).required(true).description(field.description()).schema(new StringSchema());
    }
}
