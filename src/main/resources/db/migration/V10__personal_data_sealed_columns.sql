-- Personal data at rest (docs/decisions.md D42): phones, e-mails and ID numbers are kept sealed (AES-GCM tokens
-- pd1:<key id>:<base64url>, see io.crmhub.protect) with a keyed-hash blind index for lookups and uniqueness, and the
-- id of the key that sealed the row for the re-encryption job. V10.1 (a Java migration, it needs the key) seals the
-- existing rows and scrubs the copies in event payloads, parked messages, journal and audit texts; V10.2 drops the
-- clear columns.
ALTER TABLE customer ADD COLUMN phone_sealed VARCHAR(200);
ALTER TABLE customer ADD COLUMN phone_hash VARCHAR(64);
ALTER TABLE customer ADD COLUMN email_sealed VARCHAR(500);
ALTER TABLE customer ADD COLUMN email_hash VARCHAR(64);
ALTER TABLE customer ADD COLUMN id_number_sealed VARCHAR(200);
ALTER TABLE customer ADD COLUMN id_number_hash VARCHAR(64);
ALTER TABLE customer ADD COLUMN pii_key VARCHAR(32);
