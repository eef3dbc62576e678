-- Facts of a region-year that no other row holds, added and never changed: what a judgment annuls there, the
-- CBb's confirmation that no appeal was lodged, and the course of an objection to a tariff decision there.
CREATE TABLE region_year_notes
(
    region   TEXT    NOT NULL,
    year     INTEGER NOT NULL,
    position INTEGER NOT NULL,
    doc      TEXT    NOT NULL,
    PRIMARY KEY (region, year, position)
) STRICT;

-- The deadlines index now holds the NZa's own deadlines and the day each term became known: computed again.
UPDATE region_years SET deadlines_version = 0;
