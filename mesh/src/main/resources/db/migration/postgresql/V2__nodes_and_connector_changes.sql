-- Issue 13 item 5: the AAM nodes sharing this database, one row per node, written by its heartbeat every ~2 s; a row
-- silent for long is dropped by any node. Times are the writing node's clock.
CREATE TABLE nodes (
    id         text COLLATE "C" PRIMARY KEY,
    url        text        NOT NULL,
    started_at timestamptz NOT NULL,
    version    text        NOT NULL,
    store      text        NOT NULL,
    limits     text        NOT NULL,
    last_seen  timestamptz NOT NULL
);

-- One counter every connector save and delete moves in its own transaction: a node polls this one row (cheap) and
-- reads the connectors again only when it moved, so creates, updates and deletes reach every node.
CREATE TABLE connector_changes (
    id      smallint PRIMARY KEY CHECK (id = 1),
    version bigint   NOT NULL
);
INSERT INTO connector_changes (id, version) VALUES (1, 0);
