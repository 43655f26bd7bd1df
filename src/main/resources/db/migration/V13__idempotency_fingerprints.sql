-- The fingerprint of the request an Idempotency-Key was first used with: the same key with another body is refused (422).
ALTER TABLE refund ADD COLUMN request_hash VARCHAR(64);
-- Payment requests take an Idempotency-Key too, like refunds.
ALTER TABLE payment ADD COLUMN idempotency_key VARCHAR(100);
ALTER TABLE payment ADD COLUMN request_hash VARCHAR(64);
CREATE UNIQUE INDEX ux_payment_idempotency ON payment (order_id, idempotency_key);
