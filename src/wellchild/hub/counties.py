"""California's counties, from the geography data shipped with wellchild."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files


@cache
def county_names() -> tuple[str, ...]:
    """The 58 county names in alphabetical order."""
    text = files("wellchild.geography").joinpath("ca_counties.csv").read_text(encoding="utf-8")
    return tuple(sorted(row["county_name"] for row in csv.DictReader(text.splitlines())))


def county_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in county_names()]
