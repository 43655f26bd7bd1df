package io.crmhub.api;

import io.crmhub.api.ProblemResponses.FieldError;
import io.crmhub.crm.common.ConflictException;
import io.crmhub.crm.common.InvalidFieldException;
import io.crmhub.crm.common.NotFoundException;
import jakarta.validation.ConstraintViolationException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Every API error is {@code application/problem+json}; client mistakes are 4xx naming the field, never a 500. */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(e -> new FieldError(e.getField(), e.isBindingFailure()
                        ? "must be " + ExpectedValues.describe(ex.getBindingResult().getFieldType(e.getField()))
                        : e.getDefaultMessage())).distinct().toList();
        List<FieldError> global = ex.getBindingResult().getGlobalErrors().stream()
                .map(e -> new FieldError(e.getObjectName(), e.getDefaultMessage())).toList();
        return problem(HttpStatus.BAD_REQUEST, "The request has invalid fields",
                java.util.stream.Stream.concat(errors.stream(), global.stream()).toList());
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = ex.getParameterValidationResults().stream()
                .flatMap(r -> r.getResolvableErrors().stream().map(e -> new FieldError(
                        wireName(r.getMethodParameter()), e.getDefaultMessage())))
                .toList();
        return problem(HttpStatus.BAD_REQUEST, "The request has invalid parameters", errors);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        if (RequestSizeLimitFilter.isTooLarge(ex)) {
            return problem(HttpStatus.PAYLOAD_TOO_LARGE, "The request body is larger than the limit", List.of());
        }
        if (ex instanceof InvalidRequestBodyException invalid) {
            return problem(HttpStatus.BAD_REQUEST, "The request has invalid fields", invalid.errors());
        }
        return problem(HttpStatus.BAD_REQUEST, "The request body is missing or unreadable", List.of(new FieldError("body", "is required")));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "The request lacks a required parameter",
                List.of(new FieldError(ex.getParameterName(), "is required")));
    }

    @Override
    protected ResponseEntity<Object> handleServletRequestBindingException(ServletRequestBindingException ex,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MissingRequestHeaderException header ? header.getHeaderName() : null;
        return problem(HttpStatus.BAD_REQUEST, "The request lacks a required value",
                name == null ? List.of() : List.of(new FieldError(name, "is required")));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(org.springframework.beans.TypeMismatchException ex, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        return problem(HttpStatus.BAD_REQUEST, "The request has a parameter of the wrong type",
                List.of(new FieldError(name, "must be " + ExpectedValues.describe(ex.getRequiredType()))));
    }

    @ExceptionHandler(InvalidFieldException.class)
    ResponseEntity<Object> invalidField(InvalidFieldException ex) {
        return problem(HttpStatus.BAD_REQUEST, "The request has invalid fields", List.of(new FieldError(ex.field(), ex.getMessage())));
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolation(ConstraintViolationException ex) {
        List<FieldError> errors = ex.getConstraintViolations().stream()
                .map(v -> new FieldError(lastNode(v.getPropertyPath().toString()), v.getMessage())).toList();
        return problem(HttpStatus.BAD_REQUEST, "The request has invalid parameters", errors);
    }

    @ExceptionHandler(NotFoundException.class)
    ResponseEntity<Object> notFound(NotFoundException ex) {
        return problem(HttpStatus.NOT_FOUND, ex.getMessage(), List.of());
    }

    @ExceptionHandler(ConflictException.class)
    ResponseEntity<Object> conflict(ConflictException ex) {
        ProblemDetail body = ProblemResponses.problem(HttpStatus.CONFLICT, ex.getMessage(),
                List.of(new FieldError(ex.field(), ex.getMessage())));
        if (ex.existingId() != null) {
            body.setProperty("existingId", ex.existingId());
        }
        return ResponseEntity.status(HttpStatus.CONFLICT).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON).body(body);
    }

    @ExceptionHandler(io.crmhub.crm.common.IdempotencyKeys.KeyReusedException.class)
    ResponseEntity<Object> idempotencyKeyReused(io.crmhub.crm.common.IdempotencyKeys.KeyReusedException ex) {
        return problem(HttpStatus.UNPROCESSABLE_ENTITY, ex.getMessage(), List.of(new FieldError("Idempotency-Key", "was used before with a different request body")));
    }

    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<Object> duplicate(DuplicateKeyException ex) {
        return problem(HttpStatus.CONFLICT, "The entity clashes with one written at the same moment; retry", List.of());
    }

    /** A provider that is down or throttling: the request may be repeated (it is idempotent where it matters). */
    @ExceptionHandler(io.crmhub.routing.TransientConnectorException.class)
    ResponseEntity<Object> providerUnavailable(io.crmhub.routing.TransientConnectorException ex) {
        log.warn("Provider unavailable for an API request: {}", ex.getMessage());
        ResponseEntity<Object> answer = problem(HttpStatus.SERVICE_UNAVAILABLE, "The provider " + ex.connector()
                + " is unavailable; try again later", List.of());
        long seconds = ex.retryAfter().map(java.time.Duration::toSeconds).orElse(5L);
        return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, seconds))).body(answer.getBody());
    }

    /**
     * A provider's statement asked for on demand is not made yet (WeChat Pay's STATEMENT_CREATING, Alipay's bill before
     * 10:00 the next day): "later", not a server error. The daily run tries again by itself.
     */
    @ExceptionHandler(io.crmhub.crm.common.NotReadyException.class)
    ResponseEntity<Object> notReady(io.crmhub.crm.common.NotReadyException ex) {
        log.info("Not ready for an API request: {}", ex.getMessage());
        ResponseEntity<Object> answer = problem(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage(), List.of());
        return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(ex.retryAfter().toSeconds())).body(answer.getBody());
    }

    /** A provider refused the request: its reason is passed on, nothing was charged. */
    @ExceptionHandler(io.crmhub.routing.PermanentConnectorException.class)
    ResponseEntity<Object> providerRefused(io.crmhub.routing.PermanentConnectorException ex) {
        log.warn("Provider refused an API request: {}", ex.getMessage());
        return problem(HttpStatus.BAD_GATEWAY, ex.getMessage(), List.of());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception ex) {
        log.error("Unexpected error answering an API request", ex);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Unexpected error; it has been logged", List.of());
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode statusCode,
                                                          WebRequest request) {
        HttpHeaders out = new HttpHeaders();
        out.addAll(headers);
        out.setContentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON);
        if (body instanceof ProblemDetail problem && java.net.URI.create("about:blank").equals(problem.getType())) {
            problem.setType(java.net.URI.create("https://crmhub.io/problems/" + statusCode.value()));
        }
        return new ResponseEntity<>(body, out, statusCode);
    }

    private static ResponseEntity<Object> problem(HttpStatus status, String detail, List<FieldError> errors) {
        return ResponseEntity.status(status).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemResponses.problem(status, detail, errors));
    }

    /** The name the client sent ({@code Idempotency-Key}), not the Java parameter's ({@code idempotencyKey}). */
    private static String wireName(org.springframework.core.MethodParameter parameter) {
        var header = parameter.getParameterAnnotation(org.springframework.web.bind.annotation.RequestHeader.class);
        var query = parameter.getParameterAnnotation(org.springframework.web.bind.annotation.RequestParam.class);
        String name = header != null ? header.name() : query != null ? query.name() : "";
        return name.isEmpty() ? parameter.getParameterName() : name;
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
