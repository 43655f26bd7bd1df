-- Tamper-evident audit log (docs/operations.md §5, decisions D45): every entry carries its predecessor's hash and its
-- own, and audit_chain holds the head (last id and hash, locked by each append) and the purge anchor (the last purged
-- entry), so edited, deleted, inserted and truncated entries are found by GET /api/ops/audit/verify.
-- The existing rows are chained by V14.1 (AuditChainMigration, a Java migration: SHA-256 over a length-prefixed
-- encoding, the same code as the hub's appends).
ALTER TABLE audit_log ADD COLUMN prev_hash VARCHAR(64);
ALTER TABLE audit_log ADD COLUMN entry_hash VARCHAR(64);
-- two entries with one predecessor would be a fork: refused by the database too, not only by the head's lock
CREATE UNIQUE INDEX ux_audit_log_prev_hash ON audit_log (prev_hash);
-- ids are given by the hub from the chain head, under its lock: the chain's order is the id order and has no gaps
-- (an identity left in place would hand out ids the chain already used)
ALTER TABLE audit_log ALTER COLUMN id DROP IDENTITY;

CREATE TABLE audit_chain (
    id                  INT PRIMARY KEY,
    -- the head: the last entry appended (0 and the genesis hash for an empty chain)
    last_id             BIGINT NOT NULL,
    last_hash           VARCHAR(64) NOT NULL,
    -- entries up to this id were written before V14 by an identity column: their ids may have gaps
    legacy_last_id      BIGINT,
    -- the purge anchor: the last entry deleted by the retention purge; the first remaining entry's prev_hash is its hash
    anchor_id           BIGINT,
    anchor_hash         VARCHAR(64),
    anchor_occurred_at  TIMESTAMP WITH TIME ZONE,
    anchor_cutoff       TIMESTAMP WITH TIME ZONE,
    anchor_purged_at    TIMESTAMP WITH TIME ZONE,
    anchor_count        BIGINT,
    purged_total        BIGINT DEFAULT 0 NOT NULL,
    -- the last verification (by any instance): what the crmhub_audit_chain_valid gauge reports
    verified_at         TIMESTAMP WITH TIME ZONE,
    verified_valid      BOOLEAN,
    verified_broken_id  BIGINT,
    CONSTRAINT ck_audit_chain_one CHECK (id = 1)
);
INSERT INTO audit_chain (id, last_id, last_hash, legacy_last_id)
SELECT 1, COALESCE(MAX(id), 0), '0000000000000000000000000000000000000000000000000000000000000000', MAX(id) FROM audit_log;
