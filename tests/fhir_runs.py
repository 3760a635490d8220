"""Helpers of the FHIR export tests: a run folder holding only ``measure_long.parquet``
(what ``export fhir`` reads), and the DEQM conformance check of what it writes."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from paths import DATA
from wellchild.fhir.export import PROFILES, validate
from wellchild.fhir.profiles import Checker, Finding, bundle_findings, load_all

DEQM = DATA / "fhir" / "deqm"
Resource = dict[str, Any]

# member, in denominator, excluded, met, evidence date, evidence code, practice
Row = tuple[str, bool, bool, bool, dt.date | None, str | None, str | None]


def write_run(folder: Path, measure_id: str, rows: list[Row]) -> Path:
    """The long table of one measure for 2024, one row per child."""
    folder.mkdir()
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    long = pd.DataFrame(
        [
            {
                "member_id": m, "measure_id": measure_id, "measure_version": "2024",
                "period_start": start, "period_end": end, "practice_id": practice,
                "in_denominator": den, "excluded": exc, "exclusion_reason": None,
                "met": met, "evidence_date": when, "evidence_code": code,
            }
            for m, den, exc, met, when, code, practice in rows
        ]
    )  # fmt: skip
    long.to_parquet(folder / "measure_long.parquet")
    return folder


@cache
def checker() -> Checker:
    return Checker(load_all(DEQM))


def deqm_findings(resource: Resource) -> list[Finding]:
    """Base R4 structure, then every profile the resource claims, then (for a bundle)
    every entry and the document rules."""
    validate(resource)
    check = checker()
    kind = resource["resourceType"]
    claimed = resource["meta"]["profile"]
    if kind == "MeasureReport":  # both guides' profiles are claimed
        profiles = [p for p in check.profiles if p.url in claimed]
    else:  # the Composition claims one; it must conform to both all the same
        profiles = [p for p in check.profiles if p.url.rsplit("/", 1)[-1] in PROFILES[kind]]
        assert set(claimed) <= {p.url for p in profiles}
    assert len(profiles) == 2, claimed
    found = [f for p in profiles for f in check.check(resource, p)]
    if resource["resourceType"] == "Bundle":
        for entry in resource["entry"]:
            inner = entry["resource"]
            if inner.get("meta", {}).get("profile"):
                found += deqm_findings(inner)
        found += bundle_findings(resource)
    return found
