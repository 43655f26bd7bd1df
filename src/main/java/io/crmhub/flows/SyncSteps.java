package io.crmhub.flows;

import io.crmhub.crm.link.ExternalLinks;
import io.crmhub.crm.link.ExternalReference;
import io.crmhub.crm.link.SyncOutcome;
import io.crmhub.events.EventHeaders;
import io.crmhub.routing.ConnectorResult;
import io.crmhub.routing.ParkedMessages;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The Camel side of the CRM store's external links (a flow bean, outside the domain): flow steps around a sink connector: {@code prepare} decides whether the event is newer than what the external
 * system already has (redeliveries and out-of-order copies are skipped) and hands the connector the known external
 * id; {@code recordSynced} writes the result into external links and the sync journal.
 */
@Component("syncSteps")
public class SyncSteps {
    public static final String STALE = "stale";
    public static final String EXTERNAL_ID = "externalId";
    private static final Logger log = LoggerFactory.getLogger(SyncSteps.class);

    private final ExternalLinks links;
    private final ParkedMessages parked;

    public SyncSteps(ExternalLinks links, ParkedMessages parked) {
        this.links = links;
        this.parked = parked;
    }

    public void prepare(Exchange exchange, String entityType, String system) {
        long entityId = Long.parseLong(exchange.getMessage().getHeader(EventHeaders.AGGREGATE_ID, String.class));
        long version = exchange.getMessage().getHeader(EventHeaders.AGGREGATE_VERSION, Long.class);
        exchange.setVariable("entityType", entityType);
        exchange.setVariable("entityId", entityId);
        exchange.setVariable("entityVersion", version);
        exchange.setVariable("system", system);
        var link = links.find(entityType, entityId, system);
        exchange.setVariable(EXTERNAL_ID, link.map(ExternalReference::externalId).orElse(null));
        boolean stale = link.filter(l -> ExternalLinks.SYNCED.equals(l.status())).map(l -> l.syncedVersion() >= version).orElse(false);
        exchange.setVariable(STALE, stale);
    }

    public void recordSynced(Exchange exchange) {
        ConnectorResult result = exchange.getMessage().getBody(ConnectorResult.class);
        links.recordSynced(outcome(exchange, result.externalId(), result.action().name().toLowerCase()));
        parked.resolveIfReplay(exchange, "delivered on replay: " + result.system() + " " + result.externalId());
        log.info("Synced {} {} v{} to {} as {} ({})", exchange.getVariable("entityType"), exchange.getVariable("entityId"),
                exchange.getVariable("entityVersion"), result.system(), result.externalId(), result.action());
    }

    public void recordSkipped(Exchange exchange) {
        recordSkipped(exchange, "already synced at this or a newer version");
    }

    /** Nothing to send (e.g. an order not confirmed yet): journaled with the reason, the message is done. */
    public void recordSkipped(Exchange exchange, String reason) {
        links.journal(outcome(exchange, exchange.getVariable(EXTERNAL_ID, String.class), reason), ExternalLinks.SKIPPED);
        parked.resolveIfReplay(exchange, "nothing to do on replay: " + reason);
        log.info("Skipped {} {} v{} for {}: {}", exchange.getVariable("entityType"), exchange.getVariable("entityId"),
                exchange.getVariable("entityVersion"), exchange.getVariable("system"), reason);
    }

    /**
     * Puts the external id of an entity this one refers to (an order's customer) into {@code variable}; until that
     * entity has reached the system, the message fails transiently (retried, then parked and re-driven).
     */
    public void requireLinked(Exchange exchange, String entityType, long entityId, String variable) {
        String system = exchange.getVariable("system", String.class);
        String externalId = links.find(entityType, entityId, system).filter(l -> ExternalLinks.SYNCED.equals(l.status()))
                .map(ExternalReference::externalId).orElseThrow(() -> new io.crmhub.routing.TransientConnectorException(system,
                        entityType.toLowerCase(java.util.Locale.ROOT) + " " + entityId + " is not in " + system + " yet", null));
        exchange.setVariable(variable, externalId);
    }

    private static SyncOutcome outcome(Exchange exchange, String externalId, String message) {
        return new SyncOutcome(exchange.getVariable("entityType", String.class), exchange.getVariable("entityId", Long.class),
                exchange.getVariable("entityVersion", Long.class), exchange.getVariable("system", String.class), externalId,
                exchange.getFromRouteId(), exchange.getMessage().getHeader(EventHeaders.EVENT_ID, String.class),
                exchange.getMessage().getHeader(EventHeaders.CORRELATION_ID, String.class), message);
    }
}
