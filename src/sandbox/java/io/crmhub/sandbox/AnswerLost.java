package io.crmhub.sandbox;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;

/**
 * How a sandbox applies a test stub's fault (e.g. connection reset) or delay: after the request took effect, so the
 * provider did the work but the answer was lost — what a crash or network cut between call and reply looks like.
 */
final class AnswerLost {
    private AnswerLost() {
    }

    static ResponseDefinition afterEffect(ResponseDefinition result, ResponseDefinition stub) {
        if (stub.getFault() == null && stub.getFixedDelayMilliseconds() == null) {
            return result;
        }
        ResponseDefinitionBuilder builder = ResponseDefinitionBuilder.like(result);
        if (stub.getFixedDelayMilliseconds() != null) {
            builder.withFixedDelay(stub.getFixedDelayMilliseconds());
        }
        if (stub.getFault() != null) {
            builder.withFault(stub.getFault());
        }
        return builder.build();
    }
}
