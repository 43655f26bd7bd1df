package io.crmhub.routing;

/**
 * The external record a stored link points to is no longer ours: it carries another entity's reference (a restored
 * or renumbered ERP handed the number to someone else), none of ours, or it is gone (deleted or merged by hand).
 * Writing through the link would overwrite a record the hub does not own, so the message is parked at once with both
 * records named, and an engineer decides: {@code POST /api/ops/failures/{id}/relink} drops the link and sends the
 * entity's current state again, which finds the record carrying our reference or creates one.
 */
public class ForeignRecordException extends PermanentConnectorException {
    private final String externalId;

    /**
     * @param what        e.g. "SAP business partner"
     * @param externalId  the linked external id
     * @param ours        our reference the record should carry
     * @param found       the reference it carries instead (null or blank: none; {@code gone}: the record does not exist)
     */
    public ForeignRecordException(String connector, String what, String externalId, String ours, String found, boolean gone) {
        super(connector, message(what, externalId, ours, found, gone));
        this.externalId = externalId;
    }

    public String externalId() {
        return externalId;
    }

    private static String message(String what, String externalId, String ours, String found, boolean gone) {
        String state = gone ? "no longer exists"
                : found == null || found.isBlank() ? "carries none of our references"
                : "carries reference " + found + ", not ours";
        return "linked " + what + " " + externalId + " of " + ours + " " + state
                + "; not written (the hub only writes records that carry its reference). Relink to look it up by "
                + ours + " or create it: POST /api/ops/failures/{id}/relink";
    }
}
