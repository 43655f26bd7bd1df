package io.crmhub.routing.mapping;

/** A value map has no entry for a code: never defaulted silently, the message is parked with this reason. */
public class UnmappedValueException extends RuntimeException {
    public UnmappedValueException(ValueMap table, String code) {
        super("value map %s/%s v%d has no entry for '%s'".formatted(table.provider(), table.table(), table.version(), code));
    }
}
