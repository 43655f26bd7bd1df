package io.crmhub.events;

import io.crmhub.protect.ResealableStore;
import io.crmhub.protect.SealedTextColumn;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Event payloads kept in the outbox (until {@code crmhub.outbox.retain-published}) carry sealed values: re-encrypted too. */
@Configuration(proxyBeanMethods = false)
class OutboxPayloadsResealed {
    @Bean
    ResealableStore outboxPayloads(JdbcClient jdbc, TransactionTemplate tx) {
        return new SealedTextColumn("outbox", jdbc, tx,
                "SELECT COUNT(*) FROM outbox WHERE payload LIKE ? AND payload NOT LIKE ?",
                "SELECT id, payload FROM outbox WHERE payload LIKE ? AND payload NOT LIKE ? AND id > ? ORDER BY id LIMIT ?",
                "UPDATE outbox SET payload = ? WHERE id = ? AND payload = ?");
    }
}
