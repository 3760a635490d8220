"""The run folder: what ``wellchild measure`` writes, and how every reader reads it.

A run folder holds ``run.json`` (how the run was made), ``summary.csv`` (one row per
measure and stratum) and, unless the run is public, ``measure_long.parquet`` (one row per
child and measure). The names are defined here only: the measure run writes them, and
``wellchild publish`` (:func:`read_run`), the portal's loading and the FHIR export
(:func:`read_long`) read them. Every problem in a folder is collected and reported at
once, naming the file, the row and the column, what was expected and what was found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from wellchild.errors import InputError
from wellchild.measures.evaluate import LONG_COLUMNS
from wellchild.measures.summary import DIMENSIONS as STRATA

RUN_JSON = "run.json"
SUMMARY = "summary.csv"
LONG = "measure_long.parquet"

SUMMARY_COLUMNS = (
    "measure_id",
    "measure_name",
    "measure_version",
    "period_start",
    "period_end",
    "dimension",
    "group",
    "eligible",
    "excluded",
    "numerator",
    "denominator",
    "rate",
    "ci_low",
    "ci_high",
    "small_denominator",
    "reference_group",
    "difference",
    "ratio",
)
BASELINE_COLUMNS = (
    "baseline_denominator",
    "baseline_numerator",
    "baseline_rate",
    "baseline_difference",
    "target_rate",
    "progress",
    "disparity_change",
    "disparity_aim_met",
)
COUNT_COLUMNS = ("eligible", "excluded", "numerator", "denominator")
# The contract's columns and strata, as the measure run writes them.
DIMENSIONS = ("total", *STRATA)
UNKNOWN_GROUP = "(unknown)"
MAX_REPORTED = 20


@dataclass(frozen=True)
class RunFolder:
    """A checked run folder: its settings, its summary with full counts, its fingerprint."""

    path: Path
    info: dict[str, Any]
    summary: pd.DataFrame
    fingerprint: str

    @property
    def period_start(self) -> dt.date:
        return dt.date.fromisoformat(self.info["period_start"])

    @property
    def period_end(self) -> dt.date:
        return dt.date.fromisoformat(self.info["period_end"])

    @property
    def as_of(self) -> dt.date:
        return dt.date.fromisoformat(self.info.get("as_of") or self.info["period_end"])

    @property
    def baseline_year(self) -> int | None:
        value = self.info.get("baseline_year")
        return int(value) if value is not None else None

    @property
    def measure_ids(self) -> list[str]:
        return list(dict.fromkeys(self.summary["measure_id"]))

    @property
    def has_baseline(self) -> bool:
        return "baseline_rate" in self.summary


def read_run(path: Path) -> RunFolder:
    """Read and check a run folder; raise :class:`InputError` listing every problem."""
    if not path.is_dir():
        raise InputError(
            f"{path}: no such folder.",
            hint="Give --run the folder `wellchild measure --out` wrote (e.g. measures-2025).",
        )
    missing = [name for name in (RUN_JSON, SUMMARY, LONG) if not (path / name).is_file()]
    if missing:
        raise InputError(
            f"{path} is not a measure run: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} missing.",
            hint="A run folder holds run.json, summary.csv and measure_long.parquet, "
            "as `wellchild measure` writes them.",
        )
    info = _run_json(path / RUN_JSON)
    if info.get("public"):
        raise InputError(
            f"{path / SUMMARY} was written with `wellchild measure --public`: its small cells "
            "are already blank, and the hub needs the full counts to apply the small-cell "
            "policy itself and check it.",
            hint="Run `wellchild measure` again without --public and publish that folder.",
        )
    _check_long(path / LONG)
    summary = _summary(path / SUMMARY, info)
    return RunFolder(path=path, info=info, summary=summary, fingerprint=fingerprint(path))


def fingerprint(path: Path) -> str:
    """SHA-256 over the long table and the summary, the bytes as written."""
    digest = hashlib.sha256()
    for name in (LONG, SUMMARY):
        with (path / name).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def _run_json(path: Path) -> dict[str, Any]:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not readable as JSON ({exc}).") from None
    if not isinstance(info, dict):
        raise InputError(f"{path}: expected a JSON object, found {type(info).__name__}.")
    problems = []
    for key in ("period_start", "period_end"):
        value = info.get(key)
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            problems.append(f"key {key!r}: expected a date as YYYY-MM-DD, found {value!r}")
    if info.get("as_of") is not None:
        try:
            dt.date.fromisoformat(str(info["as_of"]))
        except ValueError:
            problems.append(f"key 'as_of': expected a date as YYYY-MM-DD, found {info['as_of']!r}")
    baseline = info.get("baseline_year")
    if baseline is not None and not isinstance(baseline, int):
        problems.append(f"key 'baseline_year': expected a year or null, found {baseline!r}")
    if problems:
        raise InputError(f"{path}: " + "; ".join(problems) + ".")
    return info


def read_long(folder: Path, columns: Sequence[str] = LONG_COLUMNS) -> pd.DataFrame:
    """The long table of a run folder (the ``columns`` asked for), checked: an
    :class:`InputError` names the file when it is missing, unreadable or lacks a column."""
    path = folder / LONG
    if not path.is_file():
        raise InputError(
            f"{folder} holds no {LONG}: it is not the folder of a measure run "
            "(a public run writes none).",
            hint="Give the --out folder of `wellchild measure`, unchanged.",
        )
    _check_long(path, columns)
    return pd.read_parquet(path, columns=list(columns))


def _check_long(path: Path, columns: Sequence[str] = LONG_COLUMNS) -> None:
    try:
        names = pq.read_schema(path).names
    except Exception as exc:  # pyarrow raises several kinds for a file that is not Parquet
        raise InputError(f"{path}: not readable as Parquet ({exc}).") from None
    missing = [c for c in columns if c not in names]
    if missing:
        raise InputError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(expected the long table's columns {', '.join(columns)}; "
            f"found {', '.join(names)}).",
            hint="Give the folder `wellchild measure` wrote, unchanged.",
        )


def _summary(path: Path, info: dict[str, Any]) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: not readable as CSV ({exc}).") from None
    missing = [c for c in SUMMARY_COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(found {', '.join(raw.columns)}).",
            hint="Publish the summary.csv that `wellchild measure` wrote, unchanged.",
        )
    if raw.empty:
        raise InputError(f"{path}: no rows.")
    problems: list[str] = []

    def problem(index: int, column: str, expected: str, found: object) -> None:
        # row 1 is the header, so the first data row is row 2, as a spreadsheet shows it
        problems.append(f"row {index + 2}, column {column}: expected {expected}, found {found!r}")

    counts = {}
    for column in COUNT_COLUMNS:
        values = pd.to_numeric(raw[column], errors="coerce")
        bad = values.isna() | (values < 0) | (values != values.round())
        for index in raw.index[bad]:
            problem(int(index), column, "a whole number ≥ 0", raw.at[index, column])
        counts[column] = values
    over = counts["numerator"] > counts["denominator"]
    for index in raw.index[over.fillna(False)]:
        problem(
            int(index),
            "numerator",
            f"at most the denominator ({raw.at[index, 'denominator']!s})",
            raw.at[index, "numerator"],
        )
    for index in raw.index[~raw["dimension"].isin(DIMENSIONS)]:
        problem(
            int(index), "dimension", f"one of {', '.join(DIMENSIONS)}", raw.at[index, "dimension"]
        )
    for column in ("period_start", "period_end"):
        dates = pd.to_datetime(raw[column], format="%Y-%m-%d", errors="coerce")
        for index in raw.index[dates.isna()]:
            problem(int(index), column, "a date as YYYY-MM-DD", raw.at[index, column])
    for index in raw.index[raw["measure_id"].str.strip() == ""]:
        problem(int(index), "measure_id", "a measure id", "")
    known = info.get("measures")
    if isinstance(known, dict):
        for index in raw.index[~raw["measure_id"].isin(list(known))]:
            problem(
                int(index),
                "measure_id",
                f"one of run.json's measures ({', '.join(known)})",
                raw.at[index, "measure_id"],
            )
    totals = raw[raw["dimension"] == "total"].groupby("measure_id").size()
    for measure_id in dict.fromkeys(raw["measure_id"]):
        if totals.get(measure_id, 0) != 1:
            problems.append(
                f"measure {measure_id}: expected one row with dimension 'total', "
                f"found {int(totals.get(measure_id, 0))}"
            )
    raw["group"] = raw["group"].replace("", UNKNOWN_GROUP)
    duplicated = raw.duplicated(["measure_id", "dimension", "group"], keep="first")
    for index in raw.index[duplicated]:
        problem(
            int(index),
            "group",
            "one row per measure, dimension and group",
            "/".join(str(raw.at[index, c]) for c in ("measure_id", "dimension", "group"))
            + " again",
        )
    if problems:
        shown = problems[:MAX_REPORTED]
        more = len(problems) - len(shown)
        raise InputError(
            f"{path}: {len(problems)} problem{'s' if len(problems) > 1 else ''}; nothing was "
            "published.\n  " + "\n  ".join(shown) + (f"\n  … and {more} more" if more else ""),
            hint="Publish the summary.csv that `wellchild measure` wrote, unchanged.",
        )
    order = {m: i for i, m in enumerate(dict.fromkeys(raw["measure_id"]))}
    raw = raw.iloc[raw["measure_id"].map(order).argsort(kind="stable")]
    typed = _typed(raw, {k: v.loc[raw.index] for k, v in counts.items()})
    return typed.reset_index(drop=True)


def _typed(raw: pd.DataFrame, counts: dict[str, pd.Series]) -> pd.DataFrame:
    out = raw.copy()
    for column, values in counts.items():
        out[column] = values.astype("int64")
    floats = ["rate", "ci_low", "ci_high", "difference", "ratio"]
    floats += [c for c in BASELINE_COLUMNS if c in out and c != "disparity_aim_met"]
    for column in floats:
        out[column] = pd.to_numeric(out[column].replace("", None), errors="coerce")
    for column in ("small_denominator", "disparity_aim_met"):
        if column in out:
            out[column] = out[column].map({"True": True, "False": False}).astype("boolean")
    out["reference_group"] = out["reference_group"].replace("", None)
    for column in ("period_start", "period_end"):
        out[column] = pd.to_datetime(out[column], format="%Y-%m-%d").dt.date
    return out
