"""The referral register: what happened to each dental referral, with dates.

Practices fill in ``referral_register.csv`` (one row per child and status change) and
the plan loads it with ``wellchild referrals import``. The file is checked like every
input: every problem in it is collected (row, column, expected, found) and any error
means nothing is imported. Imported rows are merged into the register beside the store
(``<db>.referrals.csv``): one row per member, practice, status and date, so importing
the same file twice changes nothing. The evaluation reads the register for its funnel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wellchild.errors import InputError

# In funnel order: a later status on the same day wins.
STATUSES = ("given", "appointment made", "seen", "declined", "unreachable")
COLUMNS = ("member_id", "practice_id", "status", "status_date", "appointment_date", "note")
REQUIRED = ("member_id", "practice_id", "status", "status_date")
KEY = ["member_id", "practice_id", "status", "status_date"]
EXAMPLES = 5


@dataclass(frozen=True)
class Problem:
    """One kind of problem in an imported file, with its first rows."""

    column: str
    message: str
    rows: tuple[int, ...]

    def render(self, name: str) -> str:
        shown = ", ".join(map(str, self.rows[:EXAMPLES]))
        more = f" and {len(self.rows) - EXAMPLES} more" if len(self.rows) > EXAMPLES else ""
        count = len(self.rows)
        return f"{name}, column {self.column}: {count} row(s) {self.message} (rows {shown}{more})"


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    rows: int
    new: int
    skipped_blank: int
    register: Path


def register_path(db: Path) -> Path:
    return db.with_name(db.name + ".referrals.csv")


def read_register(db: Path) -> pd.DataFrame:
    """The whole register (empty with its columns when nothing was imported)."""
    path = register_path(db)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for column in ("status_date", "appointment_date"):
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d", errors="coerce").dt.date
    return frame


def _dates(frame: pd.DataFrame, column: str, required: bool, problems: list[Problem]) -> None:
    text = frame[column].str.strip()
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    bad = frame.index[(text != "") & parsed.isna()]
    if len(bad):
        problems.append(Problem(column, "are not dates as YYYY-MM-DD", tuple(bad + 2)))
    if required:
        missing = frame.index[text == ""]
        if len(missing):
            problems.append(Problem(column, "are empty (a date is required)", tuple(missing + 2)))
    if column == "status_date":
        future = frame.index[parsed.dt.date > dt.date.today()]
        if len(future):
            problems.append(Problem(column, "are in the future", tuple(future + 2)))
    frame[column] = parsed.dt.date


def validate(frame: pd.DataFrame, members: set[str]) -> list[Problem]:
    """Every problem of a register file (rows numbered as in a spreadsheet)."""
    problems: list[Problem] = []
    for column in ("member_id", "practice_id", "status"):
        empty = frame.index[frame[column].str.strip() == ""]
        if len(empty):
            problems.append(Problem(column, "are empty", tuple(empty + 2)))
    status = frame["status"].str.strip().str.lower()
    bad = frame.index[(status != "") & ~status.isin(STATUSES)]
    if len(bad):
        allowed = ", ".join(STATUSES)
        problems.append(Problem("status", f"are not one of: {allowed}", tuple(bad + 2)))
    frame["status"] = status
    unknown = frame.index[(frame["member_id"] != "") & ~frame["member_id"].isin(members)]
    if len(unknown):
        problems.append(Problem("member_id", "name no child in the store", tuple(unknown + 2)))
    _dates(frame, "status_date", True, problems)
    _dates(frame, "appointment_date", False, problems)
    return problems


def read_file(path: Path) -> pd.DataFrame:
    """A register file with the contract's columns (case-insensitive), as text."""
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} cannot be read as a UTF-8 CSV file: {exc}") from None
    frame.columns = [c.strip().lower() for c in frame.columns]
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path.name}: missing column(s) {', '.join(missing)}; "
            f"found {', '.join(frame.columns)}.",
            hint="Start from the referral_register.csv of the practice's outreach folder.",
        )
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    text: pd.DataFrame = frame[list(COLUMNS)].apply(lambda s: s.str.strip())
    return text


def import_file(path: Path, db: Path, members: set[str]) -> Imported:
    """Check a register file and merge it into the store's register, all or nothing.
    Rows with no status yet (the blank template) are skipped and counted."""
    frame = read_file(path)
    blank = (frame["status"] == "") & (frame["status_date"] == "")
    frame = frame[~blank].reset_index(drop=True)
    problems = validate(frame, members)
    if problems:
        raise InputError(
            f"{path.name} has {sum(len(p.rows) for p in problems)} problem(s); nothing was "
            "imported.\n" + "\n".join(p.render(path.name) for p in problems),
            hint=f"status is one of: {', '.join(STATUSES)}; dates are YYYY-MM-DD.",
        )
    before = read_register(db)
    merged = pd.concat([before, frame], ignore_index=True)
    merged = merged.drop_duplicates(subset=KEY, keep="last")
    merged = merged.sort_values(KEY).reset_index(drop=True)
    target = register_path(db)
    temporary = target.with_name(target.name + ".tmp")
    merged.to_csv(temporary, index=False)
    temporary.replace(target)  # atomic: the register is the old one or the new one
    return Imported(len(frame), len(merged) - len(before), int(blank.sum()), target)


def current(register: pd.DataFrame, practices: Sequence[str] | None = None) -> pd.DataFrame:
    """Each referral's latest status (by date, then funnel order), optionally for some
    practices only."""
    frame = register if practices is None else register[register["practice_id"].isin(practices)]
    order = frame["status"].map({s: i for i, s in enumerate(STATUSES)})
    latest = frame.assign(_o=order).sort_values(["status_date", "_o"])
    latest = latest.groupby(["member_id", "practice_id"], as_index=False).last()
    return latest.drop(columns="_o")
