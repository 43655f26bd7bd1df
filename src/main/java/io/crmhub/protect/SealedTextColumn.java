package io.crmhub.protect;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A text column holding JSON with sealed values in it (outbox and parked payloads): its owner gives the three
 * statements, this moves the tokens. The update is guarded by the old text, so a row changed meanwhile is left for the
 * next batch instead of being overwritten.
 *
 * @param count  {@code SELECT COUNT(*) ... WHERE <col> LIKE ? AND <col> NOT LIKE ?} (any token; a token under the active key)
 * @param select {@code SELECT id, <col> ... WHERE <col> LIKE ? AND <col> NOT LIKE ? AND id > ? ORDER BY id LIMIT ?}
 * @param update {@code UPDATE ... SET <col> = ? WHERE id = ? AND <col> = ?}
 */
public record SealedTextColumn(String name, JdbcClient jdbc, TransactionTemplate tx, String count, String select, String update)
        implements ResealableStore {

    @Override
    public long remaining(String activeKeyId) {
        return jdbc.sql(count).params(List.of("%pd1:%", "%pd1:" + activeKeyId + ":%")).query(Long.class).single();
    }

    @Override
    public Batch resealBatch(PersonalDataCipher cipher, long afterId, int max) {
        return tx.execute(status -> {
            record Row(long id, String text) {
            }
            List<Row> rows = jdbc.sql(select).params(List.of("%pd1:%", "%pd1:" + cipher.activeKeyId() + ":%", afterId, max))
                    .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2))).list();
            int n = 0;
            for (Row row : rows) {
                String resealed = cipher.resealAll(row.text());
                if (!resealed.equals(row.text())) {
                    n += jdbc.sql(update).params(List.of(resealed, row.id(), row.text())).update();
                }
            }
            return new Batch(rows.isEmpty() ? -1 : rows.get(rows.size() - 1).id(), n);
        });
    }
}
