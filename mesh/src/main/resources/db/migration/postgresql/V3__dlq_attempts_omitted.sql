-- A DLQ entry keeps its first and its newest attempts (each tagged with its replay number in attempts_json) and
-- counts the ones left out between them, so a long history says how much of it is not shown.
ALTER TABLE dlq_entries ADD COLUMN attempts_omitted integer NOT NULL DEFAULT 0;
