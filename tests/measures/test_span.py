"""A period outside the loaded claims is warned about, naming the claims' span, by every
command that reads one; a period inside them is not."""

from __future__ import annotations

import datetime as dt
import doctest
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.measures.span import ClaimSpan, claim_span, outside

SPAN = ClaimSpan(dt.date(2023, 3, 18), dt.date(2024, 9, 1))  # tests/data/valid


@pytest.fixture
def store(valid_dir: Path, db: Path) -> Path:
    load_folder(valid_dir, db)
    return db


def test_the_span_is_the_first_and_last_service_date(store: Path) -> None:
    engine = DuckDBEngine.open(store)
    try:
        assert claim_span(engine) == SPAN
    finally:
        engine.close()


def test_a_period_inside_the_claims_gives_no_warning() -> None:
    # Whole months count: claims on 18 March and 1 September cover March to September.
    assert outside(SPAN, dt.date(2023, 3, 1), dt.date(2024, 9, 30), "x") is None


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), "is outside the loaded claims"),
        (dt.date(2019, 1, 1), dt.date(2019, 12, 31), "is outside the loaded claims"),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31), "after the last loaded claim (2024-09-01"),
        (dt.date(2023, 1, 1), dt.date(2023, 12, 31), "before the first loaded claim (2023-03-18"),
    ],
)
def test_a_period_outside_the_claims_names_the_span(
    start: dt.date, end: dt.date, words: str
) -> None:
    warning = outside(SPAN, start, end, "The year")
    assert warning is not None
    assert words in warning
    assert "2023-03-18 to 2024-09-01" in warning


def test_no_claims_at_all_is_said() -> None:
    assert "none is loaded" in str(outside(None, dt.date(2024, 1, 1), dt.date(2024, 12, 31), "Y"))


def _wellchild(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLCHILD_")}
    return subprocess.run(
        [sys.executable, "-m", "wellchild", *args],
        capture_output=True, text=True, env={**env, "COLUMNS": "200"}, check=False,
    )  # fmt: skip


def test_measure_and_rank_warn_past_the_data(store: Path, tmp_path: Path) -> None:
    measured = _wellchild(
        "measure", "--year", "2027", "--measure", "wcv", "--db", str(store),
        "--out", str(tmp_path / "m"),
    )  # fmt: skip
    assert measured.returncode == 0, measured.stderr
    assert (
        "Warning: The measurement year 2027 (2027-01-01 to 2027-12-31) is outside the loaded "
        "claims, which run from 2023-03-18 to 2024-09-01" in measured.stderr
    )
    ranked = _wellchild(
        "rank", "--as-of", "2030-01-01", "--db", str(store), "--out", str(tmp_path / "r")
    )
    assert "The 12 months ending on the as-of date 2030-01-01" in ranked.stderr
    assert "2023-03-18 to 2024-09-01" in ranked.stderr
    inside = _wellchild(
        "measure", "--year", "2023", "--as-of", "2024-06-30", "--measure", "dental_12m",
        "--db", str(store), "--out", str(tmp_path / "m2"),
    )  # fmt: skip
    assert inside.returncode == 0, inside.stderr
    assert "as-of date" not in inside.stderr  # its 12 months are loaded
    assert "starts on 2023-01-01, before the first loaded claim (2023-03-18" in inside.stderr


def test_status_says_which_dates_the_claims_cover(store: Path) -> None:
    shown = _wellchild("status", "--db", str(store))
    assert shown.returncode == 0, shown.stderr
    assert "Claims run from 2023-03-18 to 2024-09-01" in shown.stdout


def test_the_span_examples_hold() -> None:
    from wellchild.measures import span

    failed, tried = doctest.testmod(span)
    assert tried > 0
    assert failed == 0
