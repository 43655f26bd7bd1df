-- Where each incremental poller of an external system has got to (e.g. ERP invoices by change timestamp). The row is
-- locked while a page is fetched and stored, so two instances never read the same window twice.
CREATE TABLE poll_watermark (
    name                VARCHAR(100) PRIMARY KEY,
    watermark           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at          TIMESTAMP WITH TIME ZONE NOT NULL
);
ALTER TABLE invoice ADD COLUMN erp_system VARCHAR(32);
ALTER TABLE invoice ADD COLUMN erp_changed_at TIMESTAMP WITH TIME ZONE;
