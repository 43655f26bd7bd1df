-- The payment providers' own statements, one per provider and day, as fetched (docs/decisions.md D49), for three-way
-- reconciliation: CRM payments and refunds <-> statement rows <-> ERP postings.
CREATE TABLE provider_statement (
    provider            VARCHAR(32)  NOT NULL,
    statement_date      DATE         NOT NULL,
    fetched_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    row_count           INT          NOT NULL,
    fee_rate            NUMERIC(9, 6),
    PRIMARY KEY (provider, statement_date)
);
CREATE TABLE provider_statement_row (
    provider            VARCHAR(32)  NOT NULL,
    statement_date      DATE         NOT NULL,
    line_no             INT          NOT NULL,
    kind                VARCHAR(16)  NOT NULL,
    reference           VARCHAR(128) NOT NULL,
    provider_id         VARCHAR(128),
    payment_reference   VARCHAR(128),
    amount              NUMERIC(19, 4) NOT NULL,
    fee                 NUMERIC(19, 6) NOT NULL,
    currency            CHAR(3)      NOT NULL,
    occurred_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (provider, statement_date, line_no)
);
CREATE INDEX ix_statement_row_reference ON provider_statement_row (provider, kind, reference);
CREATE INDEX ix_payment_paid_at ON payment (provider, paid_at);
