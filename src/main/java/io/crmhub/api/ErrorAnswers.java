package io.crmhub.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.crmhub.api.ProblemResponses.FieldError;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The answers produced before (or outside) a controller are problem+json like every other: Spring Security's
 * firewall refusals ({@code //}, {@code ;x=1}, {@code %2e}), the servlet container's error dispatch to
 * {@code /error} (replacing Boot's JSON error body) and Tomcat's own refusals (replacing its HTML error page).
 */
@Configuration(proxyBeanMethods = false)
class ErrorAnswers {
    private static final String REJECTED = "The request was rejected because ";

    /** Spring Security picks this bean up for its firewall; the reason names what is wrong with the path. */
    @Bean
    RequestRejectedHandler problemForRejectedRequests(ObjectMapper json) {
        return (request, response, rejected) -> {
            String message = rejected.getMessage() == null ? "" : rejected.getMessage();
            String reason = message.startsWith(REJECTED) ? message.substring(REJECTED.length()) : "it is not allowed";
            String field = reason.contains("header") ? "headers" : reason.contains("parameter") ? "parameters" : "path";
            ProblemResponses.write(response, json, ProblemResponses.problem(HttpStatus.BAD_REQUEST,
                    "The request was refused: " + reason, List.of(new FieldError(field, "is refused: " + reason))), Map.of());
        };
    }

    /** Replaces the Host's error report valves (Tomcat's default and the one Spring Boot configures) with ours. */
    @Bean
    ProblemErrorReports problemErrorReports(ObjectMapper json) {
        return new ProblemErrorReports(json);
    }

    record ProblemErrorReports(ObjectMapper json) implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {
        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                var pipeline = context.getParent().getPipeline();
                for (Valve valve : pipeline.getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        pipeline.removeValve(valve);
                    }
                }
                pipeline.addValve(new ProblemErrorReportValve(json));
                // the Host adds a valve of this class when it finds none by that exact name
                ((StandardHost) context.getParent()).setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE; // after Boot's customizer, whose context customizer adds its valve
        }
    }

    /** The container's error dispatch ({@code sendError}, an exception outside Spring MVC) answered as problem+json. */
    @Hidden
    @RestController
    static class ProblemErrorController implements ErrorController {
        @RequestMapping("${server.error.path:/error}")
        ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
            Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            HttpStatus status = code instanceof Integer c ? HttpStatus.resolve(c) : null;
            if (status == null || !status.isError()) { // /error asked for directly
                status = HttpStatus.NOT_FOUND;
            }
            String detail = status.is5xxServerError() ? "Unexpected error; it has been logged"
                    : status == HttpStatus.NOT_FOUND ? "Nothing is found at this address" : status.getReasonPhrase();
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(ProblemResponses.problem(status, detail, List.of()));
        }
    }
}
