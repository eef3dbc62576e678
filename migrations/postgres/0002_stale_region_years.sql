-- Finds the region-years whose deadlines index is behind their facts without reading every region-year.
CREATE INDEX region_years_stale ON region_years (region, year) WHERE deadlines_version < facts_version;
