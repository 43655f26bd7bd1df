package io.crmhub.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmhub.support.HubIntegrationTest;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;

/**
 * Spring Security is mapped to the dispatcher servlet by name (D28), so it guards every path the dispatcher serves and
 * nothing else: a servlet added later would be unguarded, so the set of servlets is pinned here.
 */
class SecurityCoverageIT extends HubIntegrationTest {
    @Autowired
    ServletContext servletContext;

    @Test
    void springSecurityGuardsTheDispatcherServletAndOnlyTheSignedWebhooksServletIsOutsideIt() {
        assertThat(servletContext.getServletRegistrations().keySet())
                .as("a new servlet must decide whether Spring Security guards it")
                .containsExactlyInAnyOrder("dispatcherServlet", "webhooks");
        FilterRegistration security = servletContext.getFilterRegistration("springSecurityFilterChain");
        assertThat(security.getServletNameMappings()).containsExactly("dispatcherServlet");
        assertThat(security.getUrlPatternMappings()).isEmpty();

        assertThat(call(null, HttpMethod.GET, "/api/customers", null).getStatusCode().value()).isEqualTo(401);
        assertThat(call(null, HttpMethod.GET, "/actuator/prometheus", null).getStatusCode().value()).isEqualTo(401);
        assertThat(call(null, HttpMethod.GET, "/no/such/path", null).getStatusCode().value()).as("deny by default").isIn(401, 403);
    }
}
