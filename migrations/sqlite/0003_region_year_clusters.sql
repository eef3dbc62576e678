-- The fact rows of one region-year are stored together, in the order they were recorded: reading a
-- region-year then touches a few adjacent pages instead of one page per row, however long the history.
CREATE TABLE space_lines_clustered
(
    decision_id           TEXT    NOT NULL,
    region                TEXT    NOT NULL,
    year                  INTEGER NOT NULL,
    position              INTEGER NOT NULL,
    doc                   TEXT    NOT NULL,
    announced_on          TEXT,
    announced_recorded_at TEXT,
    PRIMARY KEY (region, year, position, decision_id)
) STRICT, WITHOUT ROWID;
INSERT INTO space_lines_clustered SELECT decision_id, region, year, position, doc, announced_on, announced_recorded_at
FROM space_lines;
DROP TABLE space_lines;
ALTER TABLE space_lines_clustered RENAME TO space_lines;
CREATE UNIQUE INDEX space_lines_by_decision ON space_lines (decision_id, region, year);

CREATE TABLE tariff_rows_clustered
(
    decision_id           TEXT    NOT NULL,
    region                TEXT    NOT NULL,
    year                  INTEGER NOT NULL,
    provider              TEXT    NOT NULL,
    position              INTEGER NOT NULL,
    doc                   TEXT    NOT NULL,
    announced_on          TEXT,
    announced_recorded_at TEXT,
    PRIMARY KEY (region, year, position, decision_id)
) STRICT, WITHOUT ROWID;
INSERT INTO tariff_rows_clustered SELECT decision_id, region, year, provider, position, doc, announced_on,
    announced_recorded_at FROM tariff_rows;
DROP TABLE tariff_rows;
ALTER TABLE tariff_rows_clustered RENAME TO tariff_rows;
CREATE UNIQUE INDEX tariff_rows_by_decision ON tariff_rows (decision_id, region);

CREATE TABLE appeal_rows_clustered
(
    appeal_id          TEXT    NOT NULL,
    region             TEXT    NOT NULL,
    year               INTEGER NOT NULL,
    provider           TEXT,
    position           INTEGER NOT NULL,
    doc                TEXT    NOT NULL,
    ending             TEXT,
    ending_recorded_at TEXT,
    PRIMARY KEY (region, year, position, appeal_id)
) STRICT, WITHOUT ROWID;
INSERT INTO appeal_rows_clustered SELECT appeal_id, region, year, provider, position, doc, ending, ending_recorded_at
FROM appeal_rows;
DROP TABLE appeal_rows;
ALTER TABLE appeal_rows_clustered RENAME TO appeal_rows;
CREATE UNIQUE INDEX appeal_rows_by_id ON appeal_rows (appeal_id);
