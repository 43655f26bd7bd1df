package io.crmhub.routing;

import io.crmhub.protect.ResealableStore;
import io.crmhub.protect.SealedTextColumn;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Parked messages keep the raw (sealed) event: re-encrypted with the rest, so a replay after rotation still opens. */
@Configuration(proxyBeanMethods = false)
class ParkedPayloadsResealed {
    @Bean
    ResealableStore parkedPayloads(JdbcClient jdbc, TransactionTemplate tx) {
        return new SealedTextColumn("parked_message", jdbc, tx,
                "SELECT COUNT(*) FROM parked_message WHERE payload LIKE ? AND payload NOT LIKE ?",
                "SELECT id, payload FROM parked_message WHERE payload LIKE ? AND payload NOT LIKE ? AND id > ? ORDER BY id LIMIT ?",
                "UPDATE parked_message SET payload = ? WHERE id = ? AND payload = ?");
    }
}
