package io.crmhub.crm.customer;

import io.crmhub.crm.common.AuditTrail;
import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one way to read a customer's phone, e-mail and ID number in clear (every other answer masks them): for SALES
 * on their own customers and FINANCE, with a stated reason, and recorded in the audit log (who, which customer, which
 * fields, why — never the values) in the same transaction, so no read goes unrecorded.
 */
@Service
class CustomerContactReads {
    static final String ACTION = "customer.personal-data-read";

    private final CustomerRepository repository;
    private final AuditTrail audit;

    CustomerContactReads(CustomerRepository repository, AuditTrail audit) {
        this.repository = repository;
        this.audit = audit;
    }

    @Transactional
    CustomerContact read(long id, String reason, DataScope scope) {
        Customer c = repository.findById(id, scope).orElseThrow(() -> new NotFoundException("customer", id));
        List<String> fields = new ArrayList<>();
        if (c.phone() != null) {
            fields.add("phone");
        }
        if (c.email() != null) {
            fields.add("email");
        }
        if (c.idNumber() != null) {
            fields.add("idNumber");
        }
        audit.record(ACTION, "customer", String.valueOf(id), reason, Map.of("fields", fields));
        return new CustomerContact(c.id(), c.phone(), c.email(), c.idNumber());
    }
}
