package io.crmhub.ops.failures;

import io.crmhub.crm.common.ConflictException;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.crm.customer.CustomerService;
import io.crmhub.crm.link.ExternalLinks;
import io.crmhub.crm.order.OrderService;
import io.crmhub.ops.audit.AuditLog;
import io.crmhub.routing.ForeignRecordException;
import io.crmhub.routing.ParkedMessages;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The operator's answer to a message parked because its linked external record is no longer ours
 * ({@link ForeignRecordException}): in one transaction the entity's link to that system is dropped (journaled), every
 * message of the entity parked for that reason in the flow is resolved, and the entity's <em>current</em> state is
 * published again. The flow then looks the record up by our reference and updates it, or creates one; the foreign
 * record is never touched. The old payloads are not replayed: they may be older than what the CRM holds now.
 */
@Component
public class ParkedMessageRelinker {
    private static final Logger log = LoggerFactory.getLogger(ParkedMessageRelinker.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final CustomerService customers;
    private final OrderService orders;
    private final AuditLog audit;
    private final Clock clock;
    private final ExternalLinks links;

    public ParkedMessageRelinker(JdbcClient jdbc, TransactionTemplate tx, CustomerService customers, OrderService orders,
                                 AuditLog audit, Clock clock, ExternalLinks links) {
        this.links = links;
        this.jdbc = jdbc;
        this.tx = tx;
        this.customers = customers;
        this.orders = orders;
        this.audit = audit;
        this.clock = clock;
    }

    /** What a relink did: the link that was dropped and how many parked messages it resolved. */
    public record RelinkResult(long id, String entityKey, String system, String droppedExternalId, int resolved, String next) {
    }

    private record Parked(String status, String flow, String connector, String entityKey, String reasonClass) {
    }

    public RelinkResult relink(long id, String reason) {
        Parked parked = jdbc.sql("SELECT status, flow, connector, entity_key, reason_class FROM parked_message WHERE id = ?").param(id)
                .query((rs, n) -> new Parked(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                .optional().orElseThrow(() -> new NotFoundException("Parked message", id));
        if (!ForeignRecordException.class.getName().equals(parked.reasonClass())) {
            throw new ConflictException("id", "Parked message " + id + " was not parked for a foreign linked record; replay or discard it", null);
        }
        if (!ParkedMessages.PARKED.equals(parked.status())) {
            throw new ConflictException("status", "Parked message " + id + " is " + parked.status() + ", only PARKED messages can be relinked", null);
        }
        int colon = parked.entityKey() == null ? -1 : parked.entityKey().indexOf(':');
        String aggregate = colon < 0 ? "" : parked.entityKey().substring(0, colon);
        long entityId = Long.parseLong(parked.entityKey().substring(colon + 1));
        String entityType = aggregate.toUpperCase(Locale.ROOT);
        String system = parked.connector(); // ERP connectors link under their own name (erp-sap, erp-kingdee)
        RelinkResult result = tx.execute(status -> {
            Timestamp now = Timestamp.from(clock.instant());
            int resolved = jdbc.sql("""
                    UPDATE parked_message SET status = ?, resolved_at = ?, resolution = ?
                    WHERE flow = ? AND entity_key = ? AND status = ? AND reason_class = ?""")
                    .params(ParkedMessages.RESOLVED, now, "relinked: link to " + system + " dropped, current state sent again",
                            parked.flow(), parked.entityKey(), ParkedMessages.PARKED, ForeignRecordException.class.getName())
                    .update();
            if (resolved == 0) {
                throw new ConflictException("status", "Parked message " + id + " changed while relinking", null);
            }
            String dropped = links.unlink(entityType, entityId, system, parked.flow(), "relink of parked message " + id).orElse(null);
            switch (aggregate) {
                case CustomerService.AGGREGATE -> customers.republish(entityId);
                case OrderService.AGGREGATE -> orders.republish(entityId);
                default -> throw new ConflictException("entityKey", "relink is offered for customers and orders, not " + parked.entityKey(), null);
            }
            audit.record("failure.relink", "parked_message", String.valueOf(id), reason,
                    Map.of("flow", parked.flow(), "entityKey", parked.entityKey(), "system", system,
                            "droppedExternalId", String.valueOf(dropped), "resolved", resolved));
            return new RelinkResult(id, parked.entityKey(), system, dropped, resolved,
                    "current state sent to " + parked.flow() + ": it is looked up in " + system + " by our reference, or created");
        });
        log.info("Relinked {} ({}): link to {} {} dropped, {} parked message(s) resolved, current state sent again",
                parked.entityKey(), parked.flow(), system, result.droppedExternalId(), result.resolved());
        return result;
    }
}
