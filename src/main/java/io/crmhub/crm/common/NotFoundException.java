package io.crmhub.crm.common;

/** The addressed entity does not exist: 404 problem. */
public class NotFoundException extends RuntimeException {
    public NotFoundException(String entity, Object id) {
        super(entity + " " + id + " does not exist");
    }
}
