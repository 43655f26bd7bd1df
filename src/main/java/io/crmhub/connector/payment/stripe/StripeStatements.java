package io.crmhub.connector.payment.stripe;

import io.crmhub.crm.canonical.PaymentStatementSource;
import io.crmhub.routing.PermanentConnectorException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Stripe's balance transactions of a UTC day as a statement: {@code GET /v1/balance_transactions} with
 * {@code created[gte]} / {@code created[lt]} the day's bounds, {@code limit=100}, {@code expand[]=data.source}, paged
 * with {@code starting_after} while {@code has_more} (Bearer key, as every call; a GET has nothing to verify beyond
 * TLS). Stripe has no statement file and no "not ready" state: a day without activity is an empty list. Stripe's fee
 * is a rate plus a fixed part, so no fee rate is configured: fees are reported, not checked.
 */
public class StripeStatements implements PaymentStatementSource {
    static final int PAGE_SIZE = 100;
    /** A guard against a provider that never stops saying has_more: 100,000 transactions a day. */
    private static final int MAX_PAGES = 1_000;

    private final StripeGateway gateway;

    public StripeStatements(StripeGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public String provider() {
        return StripeNotificationVerifier.PROVIDER;
    }

    @Override
    public ZoneId zone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Statement statement(LocalDate day) {
        String what = "Stripe balance transactions of " + day;
        long from = day.atStartOfDay(zone()).toEpochSecond();
        long to = day.plusDays(1).atStartOfDay(zone()).toEpochSecond();
        List<Row> rows = new ArrayList<>();
        String after = null;
        for (int page = 1; ; page++) {
            if (page > MAX_PAGES) {
                throw new PermanentConnectorException(StripeGateway.CONNECTOR, what + ": more than " + MAX_PAGES + " pages; refused");
            }
            String query = "?" + param("created[gte]", String.valueOf(from)) + "&" + param("created[lt]", String.valueOf(to))
                    + "&limit=" + PAGE_SIZE + "&" + param("expand[]", "data.source") + (after == null ? "" : "&" + param("starting_after", after));
            StripeBalanceTransactions.Page read = StripeBalanceTransactions.parse(gateway.get(StripeGateway.BALANCE_TRANSACTIONS + query),
                    what + " (page " + page + ")");
            rows.addAll(read.rows());
            if (!read.hasMore() || read.lastId() == null) {
                break;
            }
            after = read.lastId();
        }
        return new Statement(provider(), day, List.copyOf(rows), null);
    }

    private static String param(String name, String value) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
