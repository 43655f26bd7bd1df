-- Data scopes (docs/decisions.md D4x): who a customer and an order belong to. A SALES user's name (sales2) or a team
-- (team:east); a SALES user sees only their own and their teams' records, FINANCE and ENGINEER see all.
-- Rows from before this migration stay NULL, unowned: seen by FINANCE and ENGINEER only until an engineer assigns
-- them (PUT /api/customers/{id}/owner), so an upgrade shows no salesperson a record nobody gave them.
ALTER TABLE customer ADD COLUMN owner VARCHAR(100);
ALTER TABLE sales_order ADD COLUMN owner VARCHAR(100);
-- a scoped page reads "owner IN (...) ORDER BY id"
CREATE INDEX ix_customer_owner ON customer (owner, id);
CREATE INDEX ix_sales_order_owner ON sales_order (owner, id);
