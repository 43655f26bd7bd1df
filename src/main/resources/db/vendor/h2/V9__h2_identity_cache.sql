-- H2 only (spring.flyway.locations adds db/vendor/{vendor}). H2 hands out identity values from a cache of 32 and,
-- each time the cache runs out, commits the sequence in the system session: with WRITE_DELAY=0 that is a full store
-- of every dirty page, i.e. one extra commit per 32 rows on the tables written at every notification and event.
-- A cache of 1,000 keeps the ids increasing (H2's cache is database-wide, not per session) and only leaves a gap
-- after a crash. PostgreSQL keeps the default (1): its cache is per session and would reorder outbox ids.
ALTER TABLE inbox ALTER COLUMN id SET CACHE 1000;
ALTER TABLE outbox ALTER COLUMN id SET CACHE 1000;
ALTER TABLE parked_message ALTER COLUMN id SET CACHE 1000;
ALTER TABLE sync_journal ALTER COLUMN id SET CACHE 1000;
ALTER TABLE audit_log ALTER COLUMN id SET CACHE 1000;
