package io.crmhub.crm.common;

/** The request clashes with existing data: 409 problem that names the field and the existing entity. */
public class ConflictException extends RuntimeException {
    private final String field;
    private final Long existingId;

    public ConflictException(String field, String message, Long existingId) {
        super(message);
        this.field = field;
        this.existingId = existingId;
    }

    public String field() {
        return field;
    }

    public Long existingId() {
        return existingId;
    }
}
