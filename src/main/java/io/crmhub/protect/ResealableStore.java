package io.crmhub.protect;

/**
 * A place that keeps sealed personal values (the customer table, event payloads in the outbox, parked messages): the
 * re-encryption job asks each how many values are still under an older key and moves them in batches.
 */
public interface ResealableStore {
    /** A short name for progress reports, e.g. {@code customer}. */
    String name();

    /** Rows holding a value sealed under a key other than {@code activeKeyId}. */
    long remaining(String activeKeyId);

    /**
     * Re-seals up to {@code max} such rows with an id above {@code afterId}, in id order and one transaction; the last id
     * it looked at ({@code -1} when there was none: the store is done for this run) and how many rows it changed.
     */
    Batch resealBatch(PersonalDataCipher cipher, long afterId, int max);

    record Batch(long lastId, int resealed) {
    }
}
