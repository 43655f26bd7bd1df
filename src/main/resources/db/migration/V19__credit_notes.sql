-- Credit notes from the ERP (docs/decisions.md D47): stored beside the invoices they credit, and applied to them before
-- payments are: an invoice credited in full is CREDITED, one credited in part has that much less open.
ALTER TABLE invoice ADD COLUMN document_kind VARCHAR(16) DEFAULT 'INVOICE' NOT NULL;
ALTER TABLE invoice ADD COLUMN credit_for VARCHAR(64);
ALTER TABLE invoice ADD COLUMN credited_amount NUMERIC(19, 4) DEFAULT 0 NOT NULL;
