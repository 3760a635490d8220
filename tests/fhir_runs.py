"""A run folder holding only ``measure_long.parquet``, what ``export fhir`` reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

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
