-- The clear copies go; lookups and duplicate checks use the blind index (one customer per phone, per e-mail).
DROP INDEX ux_customer_phone;
DROP INDEX ux_customer_email;
ALTER TABLE customer DROP COLUMN phone_e164;
ALTER TABLE customer DROP COLUMN email;
ALTER TABLE customer DROP COLUMN id_number;
CREATE UNIQUE INDEX ux_customer_phone_hash ON customer (phone_hash);
CREATE UNIQUE INDEX ux_customer_email_hash ON customer (email_hash);
CREATE INDEX ix_customer_id_number_hash ON customer (id_number_hash);
CREATE INDEX ix_customer_pii_key ON customer (pii_key);
