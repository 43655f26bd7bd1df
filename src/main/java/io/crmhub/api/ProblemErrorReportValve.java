package io.crmhub.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.api.ProblemResponses.FieldError;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat's own error answers — a request line or headers over the limit, an encoded {@code /} or {@code \} in the
 * path, anything refused before a servlet runs, and errors nothing else rendered — as problem+json instead of
 * Tomcat's HTML page. Tomcat gives no reason beyond the status, so the request's path is examined here.
 */
final class ProblemErrorReportValve extends ErrorReportValve {
    private final ObjectMapper json;

    ProblemErrorReportValve(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus status = HttpStatus.resolve(code);
        if (status == null) {
            status = code < 500 ? HttpStatus.BAD_REQUEST : HttpStatus.INTERNAL_SERVER_ERROR;
        }
        ProblemDetail problem = status == HttpStatus.BAD_REQUEST ? malformed(request)
                : ProblemResponses.problem(status, status.is5xxServerError() ? "Unexpected error; it has been logged"
                : status.getReasonPhrase(), List.of());
        try {
            byte[] body = json.writeValueAsBytes(problem);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the application took the writer: nothing more to do
        }
    }

    private static ProblemDetail malformed(Request request) {
        String uri = request.getCoyoteRequest().requestURI().toString();
        String lower = uri == null ? "" : uri.toLowerCase(Locale.ROOT);
        FieldError error = lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")
                ? new FieldError("path", "must not contain an encoded /, \\ or NUL")
                : new FieldError("request", "has a request line, header or path that is malformed or too long");
        return ProblemResponses.problem(HttpStatus.BAD_REQUEST, "The request was refused before it reached the hub: "
                + error.field() + " " + error.reason(), List.of(error));
    }
}
