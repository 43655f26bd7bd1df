package io.crmhub.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.PropertiesComponent;

/**
 * A flow's durable queue on a CRM event address, as the flow's {@code from:} URI names it
 * ({@code jms:queue:<address>::<queue>}). The routes are the only declaration: the broker topology, replay and the
 * backlog metric all read this list.
 *
 * @param flow    the route id ({@code <group>.<flow>})
 * @param address the multicast event address, e.g. {@code crm.customer.changed}
 * @param queue   the flow's own queue on it, named as the route
 */
public record FlowQueue(String flow, String address, String queue) {

    /** The fully qualified queue name a flow consumes and replay sends to: {@code <address>::<queue>}. */
    public String fqqn() {
        return address + "::" + queue;
    }

    /**
     * The queues of every JMS-consuming route added to the context (loaded, not started yet), with property and
     * route-template placeholders resolved. A JMS flow that does not consume its own FQQN queue fails start-up.
     */
    public static List<FlowQueue> of(CamelContext camel) {
        List<FlowQueue> queues = new ArrayList<>();
        for (RouteDefinition route : camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
            if (route.getInput() == null) {
                continue;
            }
            of(route.getRouteId(), resolve(camel, route)).ifPresent(queues::add);
        }
        return List.copyOf(queues);
    }

    /** The queue a consumer URI names, if it is a JMS one; refuses a JMS flow that does not consume its own queue. */
    static Optional<FlowQueue> of(String routeId, String uri) {
        String rest = uri.startsWith("jms://") ? uri.substring("jms://".length())
                : uri.startsWith("jms:") ? uri.substring("jms:".length()) : null;
        if (rest == null) {
            return Optional.empty();
        }
        int query = rest.indexOf('?');
        String destination = (query < 0 ? rest : rest.substring(0, query));
        destination = destination.startsWith("queue:") ? destination.substring("queue:".length()) : destination;
        int separator = destination.indexOf("::");
        if (separator <= 0 || !destination.substring(separator + 2).equals(routeId)) {
            throw new IllegalStateException("flow " + routeId + " consumes " + uri + ": a flow consumes its own durable queue "
                    + "on an event address, jms:queue:<address>::" + routeId);
        }
        return Optional.of(new FlowQueue(routeId, destination.substring(0, separator), destination.substring(separator + 2)));
    }

    /** The route's consumer URI as Camel will create it: template parameters first, then the hub's properties. */
    private static String resolve(CamelContext camel, RouteDefinition route) {
        String uri = route.getInput().getEndpointUri();
        if (route.getTemplateParameters() == null || route.getTemplateParameters().isEmpty()) {
            return camel.resolvePropertyPlaceholders(uri);
        }
        PropertiesComponent properties = camel.getPropertiesComponent();
        Properties parameters = new Properties();
        parameters.putAll(route.getTemplateParameters());
        properties.setLocalProperties(parameters);
        try {
            return camel.resolvePropertyPlaceholders(uri);
        } finally {
            properties.setLocalProperties(null);
        }
    }
}
