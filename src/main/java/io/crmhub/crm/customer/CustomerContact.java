package io.crmhub.crm.customer;

/** A customer's personal data in clear, for a caller who needs to reach them; every read is audited. */
public record CustomerContact(long id, String phone, String email, String idNumber) {
}
