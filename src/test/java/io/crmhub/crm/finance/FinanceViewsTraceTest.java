package io.crmhub.crm.finance;

import static org.assertj.core.api.Assertions.assertThat;

import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.PageRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The finance views map rows by column name. A class-based row mapper on {@code SELECT *} probes each camelCase
 * component name first ({@code orderId}), and H2 writes every failed probe as a stack trace into the file database's
 * {@code .trace.db}: 1.4 MB in four minutes of finance list calls. Runs the views on a file database like the hub's.
 */
class FinanceViewsTraceTest {
    @TempDir
    Path dir;

    @Test
    void readingTheFinanceViewsLeavesH2sTraceFileEmpty() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:file:" + dir.resolve("crmhub") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        h2.setUser("sa");
        // held open as the hub's pool does: otherwise H2 closes the database with each last connection
        try (java.sql.Connection open = h2.getConnection()) {
            readViews(h2);
        }
    }

    private void readViews(JdbcDataSource h2) throws Exception {
        Flyway.configure().dataSource(h2).locations("classpath:db/migration", "classpath:db/vendor/h2").load().migrate();
        JdbcClient jdbc = JdbcClient.create(h2);
        Path trace = dir.resolve("crmhub.trace.db");
        Timestamp now = Timestamp.from(Instant.parse("2026-03-01T08:00:00Z"));
        jdbc.sql("""
                INSERT INTO customer (id, customer_type, name, country_code, version, created_at, updated_at)
                VALUES (1, 'ORGANIZATION', 'Trace Ltd', 'CN', 1, ?, ?)""").params(now, now).update();
        jdbc.sql("""
                INSERT INTO sales_order (id, order_number, customer_id, status, currency, total_amount, paid_amount, version, created_at, updated_at)
                VALUES (1, 'SO-0000000001', 1, 'CONFIRMED', 'CNY', 198.88, 0, 1, ?, ?)""").params(now, now).update();
        jdbc.sql("""
                INSERT INTO payment (id, order_id, payment_reference, provider, status, currency, amount, refunded_amount, version, created_at, updated_at)
                VALUES (1, 1, 'SO-0000000001-P1', 'wechatpay', 'SUCCEEDED', 'CNY', 198.88, 10, 1, ?, ?)""").params(now, now).update();
        jdbc.sql("""
                INSERT INTO refund (id, payment_id, refund_reference, status, currency, amount, requested_by, created_at, updated_at)
                VALUES (1, 1, 'SO-0000000001-P1-R1', 'SUCCEEDED', 'CNY', 10, 'finance', ?, ?)""").params(now, now).update();
        jdbc.sql("""
                INSERT INTO invoice (id, invoice_number, order_id, customer_id, status, currency, total_amount, paid_amount, issue_date,
                                     due_date, overdue, version, created_at, updated_at)
                VALUES (1, '90000001', 1, 1, 'OPEN', 'CNY', 198.88, 0, ?, ?, TRUE, 1, ?, ?)""")
                .params(Date.valueOf("2026-01-01"), Date.valueOf("2026-01-31"), now, now).update();
        long before = Files.exists(trace) ? Files.size(trace) : 0; // Flyway's own probes (no history table yet) are traced

        FinanceController finance = new FinanceController(jdbc);
        PageRequest page = new PageRequest(null, null);
        assertThat(finance.payments(null, null, page, DataScope.all()).items()).singleElement().satisfies(p -> {
            assertThat(p.orderId()).isEqualTo(1);
            assertThat(p.amount()).hasToString("198.88");
            assertThat(p.refundedAmount()).hasToString("10.00");
        });
        assertThat(finance.payments("SUCCEEDED", 1L, page, DataScope.all()).totalItems()).isEqualTo(1);
        assertThat(finance.payment(1, DataScope.all()).paymentReference()).isEqualTo("SO-0000000001-P1");
        assertThat(finance.invoices(null, null, page, DataScope.all()).items()).singleElement().satisfies(i -> {
            assertThat(i.orderId()).isEqualTo(1L);
            assertThat(i.totalAmount()).hasToString("198.88");
            assertThat(i.overdue()).isTrue();
            assertThat(i.openAmount()).hasToString("198.88");
            assertThat(i.lines()).isEmpty();
        });
        assertThat(finance.invoices("PAID", null, page, DataScope.all()).totalItems()).isZero();
        assertThat(finance.invoice(1, DataScope.all()).dueDate()).isEqualTo(LocalDate.parse("2026-01-31"));
        DataScope sales = DataScope.salesUser("sales", java.util.List.of("east")); // the rows are unowned
        assertThat(finance.payments("SUCCEEDED", 1L, page, sales).totalItems()).isZero();
        assertThat(finance.invoices(null, null, page, sales).totalItems()).isZero();
        OverdueInvoices overdue = new OverdueInvoices(jdbc, null, Clock.fixed(now.toInstant(), ZoneOffset.UTC),
                new InvoiceProperties(java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(10), 500, ZoneId.of("Asia/Shanghai"), "0 15 6 * * *"),
                new InvoiceSettlement(jdbc, Clock.fixed(now.toInstant(), ZoneOffset.UTC)));
        assertThat(overdue.page(page).items()).singleElement().satisfies(o -> assertThat(o.outstanding()).hasToString("198.88"));
        assertThat(jdbc.sql("SELECT " + RefundService.RefundView.COLUMNS + " FROM refund").query(RefundService.RefundView.ROW).list())
                .singleElement().satisfies(r -> assertThat(r.paymentId()).isEqualTo(1));

        String written = Files.exists(trace) ? Files.readString(trace).substring((int) before) : "";
        assertThat(written).as("what H2 traced while the views were read").isEmpty();
    }
}
