-- A write sent again while its earlier send waits in the DLQ is answered from that entry, not sent twice:
-- the lookup by (connector, key) must not scan the queue.
CREATE INDEX dlq_key ON dlq_entries (connector, idem_key);
