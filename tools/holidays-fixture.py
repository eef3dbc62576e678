#!/usr/bin/env python3
"""Writes the Dutch public holidays of 2000-2040 according to the `holidays` package (PyPI), an independent
source that the calendar cross-check in domain/tests/calendar_cross_check.rs compares against.

    python3 -m pip install holidays==0.109 && python3 tools/holidays-fixture.py > domain/tests/fixtures/nl-holidays.json
"""
import json
import sys

import holidays

years = range(2000, 2041)
nl = holidays.country_holidays("NL", years=years)
out = {
    "source": f"holidays {holidays.__version__} (PyPI), country NL",
    "years": [years.start, years.stop - 1],
    "holidays": [{"date": d.isoformat(), "name": n} for d, n in sorted(nl.items())],
}
json.dump(out, sys.stdout, indent=1)
sys.stdout.write("\n")
