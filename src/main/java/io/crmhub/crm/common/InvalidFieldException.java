package io.crmhub.crm.common;

/** A field passed Bean Validation but failed a domain rule (e.g. not a real phone number): 400 problem. */
public class InvalidFieldException extends RuntimeException {
    private final String field;

    public InvalidFieldException(String field, String reason) {
        super(reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
