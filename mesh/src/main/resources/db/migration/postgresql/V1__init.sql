-- The mesh's schema on PostgreSQL: the same tables and meaning as db/migration/sqlite V1-V3, in PostgreSQL's types
-- (timestamptz for times, bytea for bodies, jsonb for JSON the store parses anyway, boolean flags). Ids and keys are
-- compared byte by byte (COLLATE "C"), as SQLite does: openEntry's range over a key's family (key~r1, key~r2) and
-- every ORDER BY id must not depend on the server's locale.

CREATE TABLE credentials (
    connector  text COLLATE "C" NOT NULL,
    tenant     text COLLATE "C" NOT NULL,
    name       text COLLATE "C" NOT NULL,
    value      text        NOT NULL,
    -- bumped by every write: the fence a cross-node refresh compares and sets (issue 13 item 3)
    version    bigint      NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (connector, tenant, name)
);

CREATE TABLE schemas (
    connector   text COLLATE "C" NOT NULL,
    endpoint    text COLLATE "C" NOT NULL,
    schema_json jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (connector, endpoint)
);

-- The event as published (text, not jsonb: kept byte for byte as the SSE stream sent it).
CREATE TABLE events (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL,
    connector text COLLATE "C",
    type      text        NOT NULL,
    json      text        NOT NULL
);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_connector ON events (connector, id);

CREATE TABLE rollups (
    connector    text COLLATE "C" NOT NULL,
    second       timestamptz NOT NULL,
    calls        bigint NOT NULL,
    attempts     bigint NOT NULL,
    succeeded    bigint NOT NULL,
    failed       bigint NOT NULL,
    retries      bigint NOT NULL,
    rate_limited bigint NOT NULL,
    p50_ms       double precision NOT NULL,
    p95_ms       double precision NOT NULL,
    p99_ms       double precision NOT NULL,
    max_ms       double precision NOT NULL,
    PRIMARY KEY (connector, second)
);
CREATE INDEX rollups_second ON rollups (second);

-- The connector's spec as the user sent it (text: its key order is kept for GET /connectors/{id}).
CREATE TABLE connectors (
    id         text COLLATE "C" PRIMARY KEY,
    spec_json  text        NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE intents (
    idem_key     text COLLATE "C" PRIMARY KEY,
    connector    text COLLATE "C" NOT NULL,
    tenant       text        NOT NULL,
    method       text        NOT NULL,
    path         text        NOT NULL,
    headers_json jsonb       NOT NULL,
    body         bytea       NOT NULL,
    content_type text,
    op_id        text,
    state        text        NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
-- Only writes in flight are looked for by age (crash recovery); finished ones by retention.
CREATE INDEX intents_in_flight ON intents (updated_at) WHERE state = 'in_flight';
CREATE INDEX intents_done ON intents (updated_at) WHERE state <> 'in_flight';

CREATE TABLE dlq_entries (
    id              text COLLATE "C" PRIMARY KEY,
    seq             bigint GENERATED ALWAYS AS IDENTITY,
    connector       text COLLATE "C" NOT NULL,
    tenant          text        NOT NULL,
    method          text        NOT NULL,
    path            text        NOT NULL,
    headers_json    jsonb       NOT NULL,
    body            bytea       NOT NULL,
    content_type    text,
    idem_key        text COLLATE "C",
    op_id           text,
    attempts_json   jsonb       NOT NULL,
    error_class     text,
    last_error      text,
    schema_version  integer     NOT NULL,
    state           text        NOT NULL,
    unknown_outcome boolean     NOT NULL,
    replays         integer     NOT NULL,
    next_replay_at  timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    -- The claim: which claim (one token per claimDue batch or manual replay) holds the entry while it is replaying.
    -- A replayer records its result only while its token is still on the row; a claim released after its lease
    -- (releaseClaims) or taken over by another node has another token or none.
    claim_token     uuid
);
-- The queue: pending entries only (a partial index), in claim order. Settled entries (succeeded, discarded, dead)
-- are not in it, so claiming stays a short index range however many settled rows the table keeps.
CREATE INDEX dlq_queue ON dlq_entries (connector, unknown_outcome, next_replay_at, seq) WHERE state = 'pending';
-- Claims to release after their lease: replaying entries only.
CREATE INDEX dlq_claimed ON dlq_entries (updated_at) WHERE state = 'replaying';
CREATE INDEX dlq_created ON dlq_entries (created_at, seq);
-- A write sent again while its earlier send waits in the DLQ is answered from that entry: open entries only.
CREATE INDEX dlq_key ON dlq_entries (connector, idem_key) WHERE state IN ('pending', 'replaying');
-- Retention prunes finished entries (succeeded, discarded) by age and beyond a row cap, oldest first.
CREATE INDEX dlq_finished ON dlq_entries (updated_at) WHERE state IN ('succeeded', 'discarded');

-- A one-row table the store writes to when it probes whether it takes writes again.
CREATE TABLE store_probe (
    id integer PRIMARY KEY,
    at timestamptz NOT NULL
);
