-- Connector rate limits shared by every hub instance: one counter row per connector, window kind and window.
CREATE TABLE rate_limit_window (
    connector           VARCHAR(64)  NOT NULL,
    window_kind         VARCHAR(8)   NOT NULL,
    window_start        BIGINT       NOT NULL,
    used                INT          NOT NULL,
    PRIMARY KEY (connector, window_kind, window_start)
);

-- Payments a person must look at (over-payment, currency mismatch): flagged, never silently accepted.
ALTER TABLE payment ADD COLUMN review_reason VARCHAR(500);
ALTER TABLE payment ADD COLUMN paid_at TIMESTAMP WITH TIME ZONE;
