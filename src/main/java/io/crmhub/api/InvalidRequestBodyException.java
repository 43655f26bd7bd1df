package io.crmhub.api;

import io.crmhub.api.ProblemResponses.FieldError;
import java.util.List;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageNotReadableException;

/** Everything wrong with a JSON request body at once: syntax, unknown fields, wrong types and constraint violations. */
public class InvalidRequestBodyException extends HttpMessageNotReadableException {
    private final transient List<FieldError> errors;

    InvalidRequestBodyException(List<FieldError> errors, HttpInputMessage input) {
        super("The request has invalid fields: " + errors, input);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
