package io.crmhub.routing;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Loads the flows in {@code routes/} (route configurations first, then flows, in path order) before Camel starts.
 * Spring's resolver finds them in the IDE, in {@code target/classes} and inside the fat jar alike; Camel's own
 * {@code routes-include-pattern} mis-resolves sub-directories inside a Spring Boot jar. A flow that does not parse
 * fails start-up with Camel's message, which names the file and the line. The dev profile turns this off and lets
 * Camel load and live-reload the working tree instead ({@code crmhub.flows.location} empty).
 */
@Component
class FlowLoader implements CamelContextConfiguration, Ordered {
    private static final Logger log = LoggerFactory.getLogger(FlowLoader.class);
    private final String location;

    FlowLoader(@Value("${crmhub.flows.location:classpath*:routes/**/*.camel.yaml}") String location) {
        this.location = location;
    }

    /** First of the start-up hooks: the broker topology reads the flows loaded here. */
    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        if (location == null || location.isBlank()) {
            return;
        }
        List<Resource> flows = new ArrayList<>();
        try {
            List<org.springframework.core.io.Resource> found = new ArrayList<>(List.of(
                    new PathMatchingResourcePatternResolver().getResources(location)));
            found.sort(Comparator.comparing(FlowLoader::name));
            for (org.springframework.core.io.Resource r : found) {
                flows.add(ResourceHelper.fromString(name(r), r.getContentAsString(StandardCharsets.UTF_8)));
            }
            PluginHelper.getRoutesLoader(camelContext).loadRoutes(flows);
        } catch (Exception e) {
            throw new IllegalStateException("cannot load flows from " + location + ": " + e.getMessage(), e);
        }
        log.info("Loaded {} flow files: {}", flows.size(), flows.stream().map(Resource::getLocation).toList());
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }

    /** {@code routes/<group>/<file>}, whatever the URL scheme of the class path entry. */
    private static String name(org.springframework.core.io.Resource resource) {
        try {
            URL url = resource.getURL();
            String path = url.toString();
            int at = path.lastIndexOf("/routes/");
            return at >= 0 ? path.substring(at + 1) : resource.getFilename();
        } catch (IOException e) {
            return resource.getFilename();
        }
    }
}
