package io.crmhub.crm.customer;

import io.crmhub.crm.common.DataScope;
import io.crmhub.crm.common.PageRequest;
import io.crmhub.crm.common.PageView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Customers")
@Validated
@RestController
@RequestMapping("/api/customers")
class CustomerController {
    private final CustomerService service;
    private final CustomerContactReads contacts;

    CustomerController(CustomerService service, CustomerContactReads contacts) {
        this.service = service;
        this.contacts = contacts;
    }

    @Operation(summary = "Create a customer (SALES, ENGINEER); the phone is stored as E.164, duplicates by phone or e-mail are 409")
    @PostMapping
    ResponseEntity<CustomerView> create(@Valid @RequestBody CustomerRequest request, DataScope scope) {
        CustomerView created = service.create(request, scope);
        return ResponseEntity.created(URI.create("/api/customers/" + created.id())).body(created);
    }

    @Operation(summary = "Replace a customer (full update); an identical body makes no new version")
    @PutMapping("/{id}")
    CustomerView update(@PathVariable long id, @Valid @RequestBody CustomerRequest request, DataScope scope) {
        return service.update(id, request, scope);
    }

    @Operation(summary = "One customer with its links to external systems (phone and ID number masked)")
    @GetMapping("/{id}")
    CustomerView get(@PathVariable long id, DataScope scope) {
        return service.get(id, scope);
    }

    @Operation(summary = "The customer's phone, e-mail and ID number in clear (SALES: own customers; FINANCE), with the "
            + "reason you need them; each read is recorded in the audit log (who, which customer, which fields, why)")
    @GetMapping("/{id}/contact")
    ResponseEntity<CustomerContact> contact(@PathVariable long id, DataScope scope,
                                            @org.springframework.web.bind.annotation.RequestParam
                                            @jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Size(max = 200) String reason) {
        return ResponseEntity.ok().cacheControl(org.springframework.http.CacheControl.noStore())
                .body(contacts.read(id, reason.strip(), scope));
    }

    @Operation(summary = "Customers, one page at a time (a SALES user: their own and their teams'); ?phone= or ?email= "
            + "finds the customer with that contact (by its keyed hash: the clear value is never stored)")
    @GetMapping
    PageView<CustomerView> list(@Valid PageRequest page, DataScope scope,
                                @org.springframework.web.bind.annotation.RequestParam(required = false) @jakarta.validation.constraints.Size(max = 32) String phone,
                                @org.springframework.web.bind.annotation.RequestParam(required = false) @jakarta.validation.constraints.Size(max = 254) String email) {
        boolean byPhone = phone != null && !phone.isBlank();
        boolean byEmail = email != null && !email.isBlank();
        return byPhone || byEmail ? service.findByContact(byPhone ? phone : null, byEmail ? email : null, page, scope)
                : service.list(page, scope);
    }
}
