package io.crmhub.crm.customer;

import io.crmhub.crm.common.ConflictException;
import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.InvalidFieldException;
import io.crmhub.crm.common.KnownOwners;
import io.crmhub.crm.common.NotFoundException;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.crmhub.crm.link.ExternalLinks;
import io.crmhub.crm.normalize.EmailNormalizer;
import io.crmhub.crm.normalize.PhoneNormalizer;
import io.crmhub.events.OutboxWriter;
import io.crmhub.protect.PersonalDataCipher;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Customer writes: normalise, refuse duplicates, store, and publish the change through the outbox, in one transaction. */
@Service
// its republish is how an engineer's relink (ops) sends the current state again
@org.springframework.modulith.NamedInterface("relink")
public class CustomerService {
    public static final String AGGREGATE = "customer";
    public static final String ENTITY_TYPE = "CUSTOMER";

    private final CustomerRepository repository;
    private final PhoneNormalizer phones;
    private final OutboxWriter outbox;
    private final ExternalLinks links;
    private final Clock clock;
    private final PersonalDataCipher cipher;
    private final KnownOwners owners;

    CustomerService(CustomerRepository repository, PhoneNormalizer phones, OutboxWriter outbox, ExternalLinks links, Clock clock,
                    KnownOwners owners, PersonalDataCipher cipher) {
        this.repository = repository;
        this.cipher = cipher;
        this.phones = phones;
        this.outbox = outbox;
        this.links = links;
        this.clock = clock;
        this.owners = owners;
    }

    @Transactional
    public CustomerView create(CustomerRequest request, DataScope scope) {
        Normalized n = normalize(request);
        String owner = owner(request.owner(), scope);
        refuseDuplicates(n, null, scope);
        Instant now = clock.instant();
        Customer draft = toCustomer(0, request, n, 1, now, now, owner);
        long id = repository.insert(draft);
        Customer saved = new Customer(id, draft.type(), draft.name(), draft.phone(), draft.email(), draft.idNumber(),
                draft.taxNumber(), draft.countryCode(), draft.city(), draft.street(), draft.postalCode(), 1, now, now, owner);
        outbox.append(AGGREGATE, id, 1, "created", sealed(saved));
        return CustomerView.of(saved, java.util.List.of());
    }

    @Transactional
    public CustomerView update(long id, CustomerRequest request, DataScope scope) {
        Customer current = repository.findByIdForUpdate(id, scope).orElseThrow(() -> new NotFoundException("customer", id));
        if (request.owner() != null && !request.owner().strip().equals(current.owner())) {
            throw new InvalidFieldException("owner", "is changed by an engineer with PUT /api/customers/" + id + "/owner");
        }
        Normalized n = normalize(request);
        refuseDuplicates(n, id, scope);
        Customer candidate = toCustomer(id, request, n, current.version(), current.createdAt(), current.updatedAt(), current.owner());
        if (candidate.equals(current)) {
            return view(current); // nothing changed: no new version, no event
        }
        Customer next = toCustomer(id, request, n, current.version() + 1, current.createdAt(), clock.instant(), current.owner());
        if (!repository.update(next, current.version())) {
            throw new ConflictException("version", "customer " + id + " was changed concurrently; retry", id);
        }
        outbox.append(AGGREGATE, id, next.version(), "updated", sealed(next));
        return view(next);
    }

    /** Publishes the customer's current state again (a resync): flows send it to systems whose copy drifted. */
    @Transactional
    public void republish(long id) {
        Customer current = repository.findById(id, DataScope.all()).orElseThrow(() -> new NotFoundException("customer", id));
        outbox.append(AGGREGATE, id, current.version(), "resync", sealed(current));
    }

    /** The event payload: personal values sealed, so the outbox, the broker journal and parked copies never hold them in clear. */
    private io.crmhub.crm.canonical.CanonicalCustomer sealed(Customer c) {
        return c.toCanonical().withPersonalData(cipher::seal);
    }

    /** The customer as the flows send it (personal values in clear, in memory only), if it exists. */
    @Transactional(readOnly = true)
    public java.util.Optional<io.crmhub.crm.canonical.CanonicalCustomer> canonical(long id) {
        return repository.findById(id, DataScope.all()).map(Customer::toCanonical);
    }

    @Transactional(readOnly = true)
    public CustomerView get(long id, DataScope scope) {
        return find(id, scope).orElseThrow(() -> new NotFoundException("customer", id));
    }

    /** The customer if it exists and is in {@code scope}. */
    @Transactional(readOnly = true)
    public Optional<CustomerView> find(long id, DataScope scope) {
        return repository.findById(id, scope).map(this::view);
    }

    @Transactional(readOnly = true)
    public PageView<CustomerView> list(PageRequest page, DataScope scope) {
        return new PageView<>(repository.page(scope, page.offset(), page.sizeOrDefault()).stream().map(this::view).toList(),
                page.pageOrDefault(), page.sizeOrDefault(), repository.count(scope));
    }

    /** The customer with this phone (any spelling the normaliser accepts) or e-mail, found by its blind index. */
    @Transactional(readOnly = true)
    public PageView<CustomerView> findByContact(String phone, String email, PageRequest page, DataScope scope) {
        Optional<Long> id;
        if (phone != null) {
            String e164 = phones.toE164(phone).orElseThrow(() -> new InvalidFieldException("phone", "is not a valid phone number"));
            id = repository.findIdByPhone(e164);
            if (email != null) {
                String normalised = EmailNormalizer.normalize(email);
                id = id.filter(found -> repository.findIdByEmail(normalised).filter(found::equals).isPresent());
            }
        } else {
            id = repository.findIdByEmail(EmailNormalizer.normalize(email));
        }
        java.util.List<CustomerView> items = id.flatMap(found -> repository.findById(found, scope)).map(this::view).stream().toList();
        return new PageView<>(page.pageOrDefault() == 0 ? items : java.util.List.of(), page.pageOrDefault(), page.sizeOrDefault(),
                items.size());
    }

    /** Gives the customer to {@code owner} (a known one, checked by the caller); answers the previous owner. */
    @Transactional
    public Optional<String> changeOwner(long id, String owner) {
        Customer current = repository.findByIdForUpdate(id, DataScope.all()).orElseThrow(() -> new NotFoundException("customer", id));
        repository.updateOwner(id, owner);
        return Optional.ofNullable(current.owner());
    }

    /**
     * The owner of a new record: the one asked for if the caller may give it (a SALES user: themself or a team of
     * theirs; FINANCE and ENGINEER: any known owner), else the caller's default ({@link DataScope#defaultOwner()}).
     */
    public String owner(String requested, DataScope scope) {
        if (requested == null || requested.isBlank()) {
            return scope.defaultOwner();
        }
        String owner = requested.strip();
        if (!scope.isAll() && !scope.permits(owner)) {
            throw new InvalidFieldException("owner", "must be you or one of your teams (" + String.join(", ", scope.owners()) + ")");
        }
        return requireKnownOwner(owner);
    }

    /** {@code owner} if it is a configured SALES user or team. */
    public String requireKnownOwner(String owner) {
        if (!owners.exists(owner)) {
            throw new InvalidFieldException("owner", "is not a SALES user or team:<name> of a configured user");
        }
        return owner;
    }

    private CustomerView view(Customer c) {
        return CustomerView.of(c, links.forEntity(ENTITY_TYPE, c.id()));
    }

    private record Normalized(String phone, String email) {
    }

    private Normalized normalize(CustomerRequest request) {
        String phone = null;
        if (request.phone() != null && !request.phone().isBlank()) {
            phone = phones.toE164(request.phone())
                    .orElseThrow(() -> new InvalidFieldException("phone", "is not a valid phone number (mainland numbers may omit +86)"));
        }
        String email = EmailNormalizer.normalize(request.email());
        if (phone == null && email == null) {
            throw new InvalidFieldException("phone", "a customer needs a phone or an e-mail");
        }
        return new Normalized(phone, email);
    }

    /**
     * Phones and e-mails are unique across all owners, so a duplicate is refused whoever owns the other customer; its id
     * is named only to a caller who may see it (another owner's customer stays "not found" to a SALES user).
     */
    private void refuseDuplicates(Normalized n, Long self, DataScope scope) {
        if (n.phone() != null) {
            repository.findIdByPhone(n.phone()).filter(existing -> !Objects.equals(existing, self)).ifPresent(existing -> {
                throw new ConflictException("phone", "a customer with this phone already exists", visible(existing, scope));
            });
        }
        if (n.email() != null) {
            repository.findIdByEmail(n.email()).filter(existing -> !Objects.equals(existing, self)).ifPresent(existing -> {
                throw new ConflictException("email", "a customer with this e-mail already exists", visible(existing, scope));
            });
        }
    }

    private Long visible(long id, DataScope scope) {
        return scope.isAll() || repository.findById(id, scope).isPresent() ? id : null;
    }

    private static Customer toCustomer(long id, CustomerRequest r, Normalized n, long version, Instant created, Instant updated,
                                       String owner) {
        return new Customer(id, r.type(), r.name().strip(), n.phone(), n.email(), blankToNull(r.idNumber()),
                blankToNull(r.taxNumber()), r.address().countryCode(), blankToNull(r.address().city()),
                blankToNull(r.address().street()), blankToNull(r.address().postalCode()), version, created, updated, owner);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
