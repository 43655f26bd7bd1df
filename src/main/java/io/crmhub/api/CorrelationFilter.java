package io.crmhub.api;

import io.crmhub.events.Correlation;
import io.crmhub.events.TimeOrderedIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/** Takes the caller's {@code X-Correlation-Id} (or makes one), logs with it, echoes it, and stamps it on events. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class CorrelationFilter extends OncePerRequestFilter {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(Correlation.HTTP_HEADER);
        String id = given != null && VALID.matcher(given).matches() ? given : TimeOrderedIds.next();
        MDC.put(Correlation.MDC_KEY, id);
        response.setHeader(Correlation.HTTP_HEADER, id);
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(Correlation.MDC_KEY);
        }
    }
}
