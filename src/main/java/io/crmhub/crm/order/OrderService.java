package io.crmhub.crm.order;

import io.crmhub.crm.canonical.CanonicalOrder;
import io.crmhub.crm.common.ConflictException;
import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.InvalidFieldException;
import io.crmhub.crm.common.Money;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.crmhub.crm.customer.CustomerService;
import io.crmhub.crm.link.ExternalLinks;
import io.crmhub.events.OutboxWriter;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Order writes with their lines; totals are computed here, exactly, and every change goes out through the outbox. */
@Service
// its republish is how an engineer's relink (ops) sends the current state again
@org.springframework.modulith.NamedInterface("relink")
public class OrderService {
    public static final String AGGREGATE = "order";
    public static final String ENTITY_TYPE = "ORDER";

    private final OrderRepository repository;
    private final CustomerService customers;
    private final OutboxWriter outbox;
    private final ExternalLinks links;
    private final Clock clock;
    private final TaxProperties tax;

    OrderService(OrderRepository repository, CustomerService customers, OutboxWriter outbox, ExternalLinks links, Clock clock,
                 TaxProperties tax) {
        this.tax = tax;
        this.repository = repository;
        this.customers = customers;
        this.outbox = outbox;
        this.links = links;
        this.clock = clock;
    }

    @Transactional
    public OrderView create(OrderRequest request, DataScope scope) {
        OrderStatus status = request.status() == null ? OrderStatus.DRAFT : request.status();
        if (status == OrderStatus.CANCELLED) {
            throw new InvalidFieldException("status", "a new order is DRAFT or CONFIRMED");
        }
        String owner = requireCustomer(request.customerId(), scope).owner(); // an order belongs to its customer's owner
        boolean inclusive = pricesIncludeTax(request);
        List<CanonicalOrder.Line> lines = lines(request, inclusive);
        Instant now = clock.instant();
        String currency = request.currency();
        Order saved = repository.insert(new Order(0, null, request.customerId(), status, currency,
                sum(lines, CanonicalOrder.Line::grossAmount, currency), Money.round(BigDecimal.ZERO, currency), request.note(), 1, now,
                now, lines, owner, inclusive, sum(lines, CanonicalOrder.Line::netAmount, currency),
                sum(lines, CanonicalOrder.Line::taxAmount, currency)));
        outbox.append(AGGREGATE, saved.id(), 1, "created", saved.toCanonical());
        return OrderView.of(saved, List.of());
    }

    @Transactional
    public OrderView update(long id, OrderRequest request, DataScope scope) {
        Order current = repository.findById(id, true, scope).orElseThrow(() -> new NotFoundException("order", id));
        OrderStatus next = request.status() == null ? current.status() : request.status();
        if (!current.status().canBecome(next)) {
            throw new InvalidFieldException("status", "cannot go from " + current.status() + " to " + next);
        }
        if (current.status() == OrderStatus.CANCELLED) {
            throw new ConflictException("status", "order " + id + " is cancelled and cannot change", id);
        }
        if (current.customerId() != request.customerId()) {
            throw new InvalidFieldException("customerId", "an order cannot move to another customer");
        }
        // a PUT that leaves pricesIncludeTax out keeps the order's (a replace would silently re-price a paid order)
        boolean inclusive = request.pricesIncludeTax() == null ? current.pricesIncludeTax() : request.pricesIncludeTax();
        List<CanonicalOrder.Line> lines = lines(request, inclusive);
        refuseMoneyChangesOnceRecorded(current, request.currency(), inclusive, lines);
        String currency = request.currency();
        Order candidate = new Order(id, current.orderNumber(), current.customerId(), next, currency,
                sum(lines, CanonicalOrder.Line::grossAmount, currency), current.paidAmount(), request.note(), current.version(),
                current.createdAt(), current.updatedAt(), lines, current.owner(), inclusive,
                sum(lines, CanonicalOrder.Line::netAmount, currency), sum(lines, CanonicalOrder.Line::taxAmount, currency));
        if (candidate.equals(current)) {
            return view(current);
        }
        Order updated = new Order(id, current.orderNumber(), current.customerId(), next, currency,
                candidate.totalAmount(), current.paidAmount(), request.note(), current.version() + 1,
                current.createdAt(), clock.instant(), lines, current.owner(), inclusive, candidate.netAmount(), candidate.taxAmount());
        if (!repository.update(updated, current.version())) {
            throw new ConflictException("version", "order " + id + " was changed concurrently; retry", id);
        }
        String event = next == current.status() ? "updated" : next.name().toLowerCase();
        outbox.append(AGGREGATE, id, updated.version(), event, updated.toCanonical());
        return view(updated);
    }

    /** Publishes the order's current state again (a resync): flows send it to systems whose copy drifted. */
    @Transactional
    public void republish(long id) {
        Order current = repository.findById(id, false, DataScope.all()).orElseThrow(() -> new NotFoundException("order", id));
        outbox.append(AGGREGATE, id, current.version(), "resync", current.toCanonical());
    }

    /** The order as its events carry it (what the flows send), if it exists. */
    @Transactional(readOnly = true)
    public java.util.Optional<io.crmhub.crm.canonical.CanonicalOrder> canonical(long id) {
        return repository.findById(id, false, DataScope.all()).map(Order::toCanonical);
    }

    @Transactional(readOnly = true)
    public OrderView get(long id, DataScope scope) {
        return view(repository.findById(id, false, scope).orElseThrow(() -> new NotFoundException("order", id)));
    }

    @Transactional(readOnly = true)
    public PageView<OrderView> list(Long customerId, PageRequest page, DataScope scope) {
        return new PageView<>(repository.page(customerId, scope, page.offset(), page.sizeOrDefault()).stream().map(this::view).toList(),
                page.pageOrDefault(), page.sizeOrDefault(), repository.count(customerId, scope));
    }

    private OrderView view(Order o) {
        return OrderView.of(o, links.forEntity(ENTITY_TYPE, o.id()));
    }

    /** Payments or invoices fix what was sold: the way out is a cancellation or a follow-up order (credit notes later). */
    private void refuseMoneyChangesOnceRecorded(Order current, String currency, boolean inclusive, List<CanonicalOrder.Line> lines) {
        String field = !current.currency().equals(currency) ? "currency"
                : current.pricesIncludeTax() != inclusive ? "pricesIncludeTax" : !current.lines().equals(lines) ? "lines" : null;
        if (field == null) {
            return;
        }
        String recorded = current.paidAmount().signum() > 0 ? "payments" : repository.moneyRecorded(current.id()).orElse(null);
        if (recorded != null) {
            throw new ConflictException(field, "order " + current.orderNumber() + " has " + recorded + "; its " + field
                    + " cannot change: cancel it or place a follow-up order", null);
        }
    }

    /** The customer, if the caller may see it (another owner's customer "does not exist" for them either). */
    private io.crmhub.crm.customer.CustomerView requireCustomer(long customerId, DataScope scope) {
        return customers.find(customerId, scope)
                .orElseThrow(() -> new InvalidFieldException("customerId", "customer " + customerId + " does not exist"));
    }

    private boolean pricesIncludeTax(OrderRequest request) {
        return request.pricesIncludeTax() == null ? tax.pricesIncludeTax() : request.pricesIncludeTax();
    }

    /** The lines with their tax: each line's code (or the default) must be one of {@code crmhub.tax.rates}. */
    private List<CanonicalOrder.Line> lines(OrderRequest request, boolean inclusive) {
        Money.currency(request.currency(), "currency");
        List<CanonicalOrder.Line> lines = new ArrayList<>();
        int no = 1;
        for (OrderRequest.Line l : request.lines()) {
            String code = l.taxCode() == null || l.taxCode().isBlank() ? tax.defaultCode() : l.taxCode().strip().toUpperCase(java.util.Locale.ROOT);
            BigDecimal rate = tax.rates().get(code);
            if (rate == null) {
                throw new InvalidFieldException("lines[" + (no - 1) + "].taxCode",
                        "is not a known tax code (one of " + new java.util.TreeSet<>(tax.rates().keySet()) + ")");
            }
            TaxCalculation.LineAmounts amounts = TaxCalculation.line(l.quantity(), l.unitPrice(), rate, inclusive, request.currency());
            BigDecimal extended = Money.round(l.quantity().multiply(l.unitPrice()), request.currency());
            lines.add(new CanonicalOrder.Line(no++, l.sku().strip(), l.description(), l.quantity().stripTrailingZeros(),
                    l.unit().strip(), l.unitPrice().setScale(4), extended, code, rate, amounts.net(), amounts.tax(), amounts.gross()));
        }
        return lines;
    }

    private static BigDecimal sum(List<CanonicalOrder.Line> lines, java.util.function.Function<CanonicalOrder.Line, BigDecimal> amount,
                                  String currency) {
        return lines.stream().map(amount).reduce(Money.round(BigDecimal.ZERO, currency), BigDecimal::add);
    }
}
