-- The event log. The first seven columns are those postgres-es reads; the others make the log an auditable,
-- globally ordered, hash-chained history.
CREATE TABLE events
(
    aggregate_type  TEXT    NOT NULL,
    aggregate_id    TEXT    NOT NULL,
    sequence        BIGINT  NOT NULL CHECK (sequence >= 1),
    event_type      TEXT    NOT NULL,
    event_version   TEXT    NOT NULL,
    payload         JSON    NOT NULL,
    metadata        JSON    NOT NULL,
    position        BIGINT  NOT NULL UNIQUE CHECK (position >= 1),
    recorded_at     TEXT    NOT NULL,
    recorded_by     TEXT    NOT NULL,
    idempotency_key TEXT,
    hash            TEXT    NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE TABLE snapshots
(
    aggregate_type   TEXT    NOT NULL,
    aggregate_id     TEXT    NOT NULL,
    last_sequence    BIGINT  NOT NULL CHECK (last_sequence >= 0),
    current_snapshot BIGINT  NOT NULL CHECK (current_snapshot >= 0),
    payload          JSON    NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);

-- The end of the hash chain: every write takes it, so positions are handed out and committed in order.
CREATE TABLE chain_head
(
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    position    BIGINT  NOT NULL,
    hash        TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL
);
INSERT INTO chain_head (id, position, hash, recorded_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', '1970-01-01T00:00:00.000000Z');

-- Fact rows, updated in the same transaction as the events they come from; `projected_through` says up to
-- which position they reflect the log.
CREATE TABLE projected_through
(
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    position BIGINT  NOT NULL
);
INSERT INTO projected_through (id, position) VALUES (1, 0);

CREATE TABLE space_lines
(
    decision_id           TEXT    NOT NULL,
    region                TEXT    NOT NULL,
    year                  INTEGER NOT NULL,
    position              BIGINT  NOT NULL,
    doc                   TEXT    NOT NULL,
    announced_on          TEXT,
    announced_recorded_at TEXT,
    PRIMARY KEY (decision_id, region, year)
);
CREATE INDEX space_lines_by_region_year ON space_lines (region, year, position);

CREATE TABLE tariff_rows
(
    decision_id           TEXT    NOT NULL,
    region                TEXT    NOT NULL,
    year                  INTEGER NOT NULL,
    provider              TEXT    NOT NULL,
    position              BIGINT  NOT NULL,
    doc                   TEXT    NOT NULL,
    announced_on          TEXT,
    announced_recorded_at TEXT,
    PRIMARY KEY (decision_id, region)
);
CREATE INDEX tariff_rows_by_region_year ON tariff_rows (region, year, position);

CREATE TABLE appeal_rows
(
    appeal_id          TEXT    NOT NULL PRIMARY KEY,
    region             TEXT    NOT NULL,
    year               INTEGER NOT NULL,
    provider           TEXT,
    position           BIGINT  NOT NULL,
    doc                TEXT    NOT NULL,
    ending             TEXT,
    ending_recorded_at TEXT
);
CREATE INDEX appeal_rows_by_region_year ON appeal_rows (region, year, position);

-- The deadlines index: the opened terms of each region-year, recomputed when its facts changed.
CREATE TABLE region_years
(
    region            TEXT    NOT NULL,
    year              INTEGER NOT NULL,
    facts_version     BIGINT  NOT NULL,
    deadlines_version BIGINT  NOT NULL,
    PRIMARY KEY (region, year)
);

CREATE TABLE deadlines
(
    region   TEXT    NOT NULL,
    year     INTEGER NOT NULL,
    term_key TEXT    NOT NULL,
    last_day TEXT    NOT NULL,
    provider TEXT,
    doc      TEXT    NOT NULL,
    PRIMARY KEY (region, year, term_key)
);
CREATE INDEX deadlines_by_last_day ON deadlines (last_day);

-- Bearer tokens: only a hash of each is kept.
CREATE TABLE tokens
(
    token_hash TEXT NOT NULL PRIMARY KEY,
    role       TEXT NOT NULL,
    name       TEXT NOT NULL,
    provider   TEXT,
    created_at TEXT NOT NULL
);

-- Idempotency keys of writes, per token name, with the first response.
CREATE TABLE idempotency
(
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER,
    response     TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
