-- A one-row table the store writes to when it probes whether it takes writes again (after a full disk or a lock).
CREATE TABLE store_probe (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL
);
-- Retention prunes finished DLQ entries (succeeded, discarded) by age and beyond a row cap, oldest first.
CREATE INDEX dlq_finished ON dlq_entries (state, updated_at);
