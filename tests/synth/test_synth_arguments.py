"""Arguments that cannot be used stop with a plain message and a hint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from wellchild.errors import WellchildError
from wellchild.synth import generate

LAST_YEAR = dt.date.today().year - 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"children": 0}, "at least 1; got 0"),
        ({"children": -5}, "at least 1; got -5"),
        ({"children": True}, "at least 1; got True"),
        ({"children": 2.5}, "at least 1; got 2.5"),
        ({"children": 10_000_001}, "At most 10,000,000 children"),
        ({"seed": -1}, "seed must be a whole number of at least 0"),
        ({"year": 2011}, "2011 is too early"),
        ({"year": LAST_YEAR + 1}, f"{LAST_YEAR + 1} has not ended yet"),
        ({"year": LAST_YEAR + 5}, "has not ended yet"),
        ({"fmt": "xlsx"}, "csv or parquet; got 'xlsx'"),
    ],
)
def test_bad_arguments(tmp_path: Path, arguments: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"children": 10, "seed": 1, "year": LAST_YEAR, "fmt": "csv"}
    values.update(arguments)
    with pytest.raises(WellchildError) as caught:
        generate(tmp_path / "out", **values)
    assert message in caught.value.message
    assert caught.value.hint
    assert not (tmp_path / "out").exists()


def test_out_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "member.csv"
    target.write_text("not a folder")
    with pytest.raises(WellchildError, match="is a file, not a folder"):
        generate(target, children=10, seed=1, year=LAST_YEAR)


def test_out_under_a_file_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(WellchildError, match="cannot be created"):
        generate(tmp_path / "file" / "out", children=10, seed=1, year=LAST_YEAR)


def test_the_latest_complete_year_and_nested_folders_work(tmp_path: Path) -> None:
    result = generate(tmp_path / "a" / "b", children=3, seed=0, year=LAST_YEAR)
    assert result.out.is_dir()
    assert result.rows["member"] == 3
    assert (result.children, result.seed, result.year, result.fmt) == (3, 0, LAST_YEAR, "csv")


def test_one_child_and_the_first_year(tmp_path: Path) -> None:
    result = generate(tmp_path, children=1, seed=9, year=2012)
    assert result.rows["member"] == 1
    assert result.rows["enrollment"] >= 1
