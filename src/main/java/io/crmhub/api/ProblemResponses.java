package io.crmhub.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/** Builds the hub's problem+json bodies: a title, a detail, and {@code errors[]} naming each bad field and why. */
public final class ProblemResponses {
    private ProblemResponses() {
    }

    public record FieldError(String field, String reason) {
    }

    public static ProblemDetail problem(HttpStatus status, String detail, List<FieldError> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://crmhub.io/problems/" + status.value()));
        if (errors != null && !errors.isEmpty()) {
            problem.setProperty("errors", errors);
        }
        return problem;
    }

    /**
     * For filters and security handlers that answer before Spring MVC runs (and before Spring Security's header
     * writer, hence {@code nosniff} here: the webhook servlet's 413 by Content-Length is answered this way too).
     */
    public static void write(HttpServletResponse response, ObjectMapper json, HttpStatus status, String detail,
                             Map<String, String> headers) throws IOException {
        write(response, json, problem(status, detail, List.of()), headers);
    }

    /** As above, for a problem built by {@link #problem} (with its errors or extension members). */
    public static void write(HttpServletResponse response, ObjectMapper json, ProblemDetail problem,
                             Map<String, String> headers) throws IOException {
        response.setStatus(problem.getStatus());
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        headers.forEach(response::setHeader);
        json.writeValue(response.getOutputStream(), problem);
    }
}
