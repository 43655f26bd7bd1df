-- Tax made explicit (docs/decisions.md D46) and invoices settled by payments (D47).
-- An order states whether its unit prices include tax; each line has a tax code and the rate it had when the order
-- was written, and net, tax and gross amounts (per line, rounded half-up to the minor unit). Orders from before this
-- migration were sent to the ERP as net prices with no tax stated: they keep their total as net, tax 0, no code.
ALTER TABLE sales_order ADD COLUMN prices_include_tax BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE sales_order ADD COLUMN net_amount NUMERIC(19, 4);
ALTER TABLE sales_order ADD COLUMN tax_amount NUMERIC(19, 4);
UPDATE sales_order SET net_amount = total_amount, tax_amount = 0;
ALTER TABLE sales_order_line ADD COLUMN tax_code VARCHAR(16);
ALTER TABLE sales_order_line ADD COLUMN tax_rate NUMERIC(7, 4);
ALTER TABLE sales_order_line ADD COLUMN net_amount NUMERIC(19, 4);
ALTER TABLE sales_order_line ADD COLUMN tax_amount NUMERIC(19, 4);
UPDATE sales_order_line SET tax_rate = 0, net_amount = line_amount, tax_amount = 0;

-- An invoice as the ERP states it: net and tax (NULL: the ERP did not say, e.g. read before this migration), gross in
-- total_amount; its lines with their tax; paid_amount is now what the hub allocated to it (payment_allocation).
ALTER TABLE invoice ADD COLUMN net_amount NUMERIC(19, 4);
ALTER TABLE invoice ADD COLUMN tax_amount NUMERIC(19, 4);
-- what the ERP says it cleared against the invoice, where it says (NULL: it does not; the hub's allocation counts)
ALTER TABLE invoice ADD COLUMN erp_cleared_amount NUMERIC(19, 4);
CREATE TABLE invoice_line (
    invoice_id          BIGINT       NOT NULL REFERENCES invoice (id) ON DELETE CASCADE,
    line_no             INT          NOT NULL,
    sales_order_item    VARCHAR(64),
    tax_rate            NUMERIC(7, 4),
    net_amount          NUMERIC(19, 4),
    tax_amount          NUMERIC(19, 4),
    gross_amount        NUMERIC(19, 4) NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);
-- Which payment paid how much of which invoice. Recomputed per order whenever a payment, refund or invoice of it
-- changes (oldest payment to oldest invoice), so it never drifts from the payments and invoices it is made of.
CREATE TABLE payment_allocation (
    payment_id          BIGINT       NOT NULL REFERENCES payment (id),
    invoice_id          BIGINT       NOT NULL REFERENCES invoice (id),
    amount              NUMERIC(19, 4) NOT NULL,
    allocated_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (payment_id, invoice_id)
);
CREATE INDEX ix_payment_allocation_invoice ON payment_allocation (invoice_id);
CREATE INDEX ix_invoice_order ON invoice (order_id);
CREATE INDEX ix_payment_order ON payment (order_id);
