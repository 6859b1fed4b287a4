-- The mesh's first schema. Times are epoch milliseconds (BIGINT), JSON is TEXT, bodies are BLOBs: the same
-- columns map onto PostgreSQL (BIGINT, TEXT/JSONB, BYTEA) for its own migrations.

CREATE TABLE credentials (
    connector  TEXT   NOT NULL,
    tenant     TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (connector, tenant, name)
);

CREATE TABLE schemas (
    connector   TEXT   NOT NULL,
    endpoint    TEXT   NOT NULL,
    schema_json TEXT   NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (connector, endpoint)
);

CREATE TABLE events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        BIGINT NOT NULL,
    connector TEXT,
    type      TEXT   NOT NULL,
    json      TEXT   NOT NULL
);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_connector ON events (connector, id);

CREATE TABLE rollups (
    connector   TEXT   NOT NULL,
    second      BIGINT NOT NULL,
    calls       BIGINT NOT NULL,
    attempts    BIGINT NOT NULL,
    succeeded   BIGINT NOT NULL,
    failed      BIGINT NOT NULL,
    retries     BIGINT NOT NULL,
    rate_limited BIGINT NOT NULL,
    p50_ms      DOUBLE PRECISION NOT NULL,
    p95_ms      DOUBLE PRECISION NOT NULL,
    p99_ms      DOUBLE PRECISION NOT NULL,
    max_ms      DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (connector, second)
);
CREATE INDEX rollups_second ON rollups (second);

CREATE TABLE connectors (
    id         TEXT PRIMARY KEY,
    spec_json  TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE intents (
    idem_key     TEXT PRIMARY KEY,
    connector    TEXT   NOT NULL,
    tenant       TEXT   NOT NULL,
    method       TEXT   NOT NULL,
    path         TEXT   NOT NULL,
    headers_json TEXT   NOT NULL,
    body         BLOB   NOT NULL,
    content_type TEXT,
    op_id        TEXT,
    state        TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX intents_state ON intents (state, updated_at);

CREATE TABLE dlq_entries (
    id              TEXT PRIMARY KEY,
    seq             INTEGER NOT NULL,
    connector       TEXT    NOT NULL,
    tenant          TEXT    NOT NULL,
    method          TEXT    NOT NULL,
    path            TEXT    NOT NULL,
    headers_json    TEXT    NOT NULL,
    body            BLOB    NOT NULL,
    content_type    TEXT,
    idem_key        TEXT,
    op_id           TEXT,
    attempts_json   TEXT    NOT NULL,
    error_class     TEXT,
    last_error      TEXT,
    schema_version  INTEGER NOT NULL,
    state           TEXT    NOT NULL,
    unknown_outcome INTEGER NOT NULL,
    replays         INTEGER NOT NULL,
    next_replay_at  BIGINT,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX dlq_due ON dlq_entries (state, connector, next_replay_at);
CREATE INDEX dlq_created ON dlq_entries (created_at, seq);
