-- The deadlines of a range are found, and their region-years told apart, from the index alone: a query reads the
-- documents of only those region-years whose indexed terms it serves.
DROP INDEX deadlines_by_last_day;
CREATE INDEX deadlines_by_last_day ON deadlines (last_day, region, year);
