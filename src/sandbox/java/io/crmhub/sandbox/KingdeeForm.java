package io.crmhub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

/** A form (业务对象) of the Kingdee sandbox that the WebAPI's {@code Save} accepts, with Kingdee's checks for it. */
interface KingdeeForm {
    String formId();

    /** Saves {@code model} (the caller's copy, kept as the bill); {@code data} is the whole Save request data. */
    ResponseDefinition save(ObjectNode model, JsonNode data);
}
