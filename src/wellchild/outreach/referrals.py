"""The referral register: what happened to each dental referral, with dates.

Practices fill in ``referral_register.csv`` (one row per child and status change) and
the plan loads it with ``wellchild referrals import``, as CSV or as the XLSX a
spreadsheet saves it to, with the dates in whichever form the spreadsheet wrote them.
The file is checked like every input: every problem in it is collected (row, column,
the value found, what was expected and what to do), each practice must exist and each
child must belong to the practice it is filed under, and any error means nothing is
imported. Imported rows are merged into the register beside the store
(``<db>.referrals.csv``): one row per member, practice, status and date, so importing
the same file twice changes nothing. The evaluation reads the register for its funnel.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zipfile import BadZipFile

import pandas as pd

from wellchild.engines.base import Engine
from wellchild.errors import InputError
from wellchild.outreach.rank import practices

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


def roster(engine: Engine) -> Roster:
    """The store's primary care practices and each child's assigned practices (at any
    time: a child followed up after moving practice is still that practice's referral)."""
    inputs = engine.inputs()
    ids = engine.to_arrow(practices(inputs.provider).select("practice_id"))
    a = inputs.pcp_assignment.select("member_id", "practice_id").distinct()
    pairs = engine.to_arrow(a).to_pandas()
    members = engine.to_arrow(inputs.member.select("member_id")).column("member_id")
    assigned: dict[str, set[str]] = {str(m): set() for m in members.to_pylist()}
    for member, practice in zip(pairs["member_id"], pairs["practice_id"], strict=True):
        assigned.setdefault(str(member), set()).add(str(practice))
    return Roster(
        frozenset(str(p) for p in ids.column("practice_id").to_pylist()),
        {m: frozenset(p) for m, p in assigned.items()},
    )


def blank_register(member_ids: Sequence[str], practice_id: str) -> pd.DataFrame:
    """The register an outreach folder gives a practice: its listed children with the
    status columns empty, one row each (a child's later statuses are added below)."""
    ids = [str(m) for m in member_ids]
    values = {"member_id": ids, "practice_id": [practice_id] * len(ids)}
    return pd.DataFrame({c: values.get(c, [""] * len(ids)) for c in COLUMNS}, dtype=object)


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


# A register comes back however the practice saved it: ISO dates, US dates as Excel
# writes them (M/D/YYYY), or an Excel serial day number when a date column lost its
# format. Serial day 1 is 1900-01-01 in Excel's count, which counts a 29 February 1900
# that never was; from 1 March 1900 on, day N is 1899-12-30 plus N days.
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 to 2119-01-10: anything else is not a date
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")
DATE_FORMS = "YYYY-MM-DD, M/D/YYYY (month first, as Excel writes US dates) or an Excel date"
SHOWN = 60  # problem lines printed; the count covers them all


def parse_date(text: str) -> dt.date | None:
    """A register date in any of the forms a spreadsheet writes, or None."""
    value = text.strip()
    for pattern, order in ((ISO_DATE, (0, 1, 2)), (US_DATE, (2, 0, 1))):
        match = pattern.match(value)
        if match:
            parts = [int(match.group(i + 1)) for i in order]
            try:
                return dt.date(parts[0], parts[1], parts[2])
            except ValueError:
                return None
    match = SERIAL.match(value)
    if match and SERIAL_RANGE[0] <= int(match.group(1)) <= SERIAL_RANGE[1]:
        return EXCEL_EPOCH + dt.timedelta(days=int(match.group(1)))
    return None


@dataclass(frozen=True)
class Finding:
    """One problem in one cell: where, what was found, what was expected, what to do."""

    row: int
    column: str
    found: str
    expected: str
    hint: str

    def render(self) -> str:
        found = repr(self.found) if self.found else "nothing"
        return f"row {self.row}, column {self.column}: found {found}; {self.expected}. {self.hint}"


@dataclass(frozen=True)
class Roster:
    """What the store knows to check a register against: the primary care practices,
    and for each child the practices it has been assigned to."""

    practices: frozenset[str]
    assigned: Mapping[str, frozenset[str]]


def _date_findings(frame: pd.DataFrame, column: str, required: bool) -> list[Finding]:
    findings = []
    today = dt.date.today()
    parsed: list[dt.date | None] = []
    for i, text in enumerate(frame[column]):
        day = parse_date(text) if text else None
        parsed.append(day)
        row = i + 2
        if text and day is None:
            findings.append(Finding(row, column, text, f"expected a date as {DATE_FORMS}",
                                    "Dates with slashes are read month first (6/1/2025 is "
                                    "1 June 2025)."))  # fmt: skip
        elif not text and required:
            findings.append(Finding(row, column, text, "expected the date of the status",
                                    "Every status needs the day it happened."))  # fmt: skip
        elif column == "status_date" and day is not None and day > today:
            findings.append(Finding(row, column, text, f"a status date is not after today "
                                    f"({today})", "Record a status once it has happened; an "
                                    "appointment to come goes in appointment_date."))  # fmt: skip
    frame[column] = parsed
    return findings


def validate(frame: pd.DataFrame, roster: Roster | Collection[str]) -> list[Finding]:
    """Every problem of a register file (rows numbered as in a spreadsheet), row by row.
    With a :class:`Roster` each practice must exist and each child must have been
    assigned to the practice it is filed under; with a set of ids only the child is
    checked."""
    findings: list[Finding] = []
    members = roster.assigned if isinstance(roster, Roster) else set(roster)
    status = frame["status"].str.lower().str.split().str.join(" ")
    columns = zip(frame["member_id"], frame["practice_id"], frame["status"], status, strict=True)
    for i, (member, practice, found, normal) in enumerate(columns):
        row, values = i + 2, {"member_id": member, "practice_id": practice, "status": found}
        for column, value in values.items():
            if value == "":
                findings.append(Finding(row, column, "", f"expected a {column.replace('_', ' ')}",
                                        "Fill it in, or delete the row."))  # fmt: skip
        if found and normal not in STATUSES:
            findings.append(Finding(row, "status", found,
                                    f"expected one of: {', '.join(STATUSES)}",
                                    "Use one of these words as it is spelled here."))  # fmt: skip
        if member and member not in members:
            findings.append(Finding(row, "member_id", member, "expected a child in the store",
                                    "Copy the id from the gap list."))  # fmt: skip
        if isinstance(roster, Roster) and practice:
            if practice not in roster.practices:
                findings.append(Finding(row, "practice_id", practice,
                                        "expected a primary care practice in the store",
                                        "Use the id on the gap list's title."))  # fmt: skip
            elif member in roster.assigned and practice not in roster.assigned[member]:
                others = ", ".join(sorted(roster.assigned[member])) or "none"
                findings.append(Finding(row, "practice_id", practice,
                                        f"expected a practice this child is assigned to "
                                        f"({others})",
                                        "A practice records only its own children: check the "
                                        "row against that practice's gap list."))  # fmt: skip
    frame["status"] = status
    findings += _date_findings(frame, "status_date", True)
    findings += _date_findings(frame, "appointment_date", False)
    return sorted(findings, key=lambda f: (f.row, COLUMNS.index(f.column)))


def _cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV would hold: dates as ISO dates, whole numbers
    without a decimal point (an Excel serial date stays a number to recognise)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path) -> pd.DataFrame:
    # openpyxl is slow to import; only spreadsheets need it
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise InputError(f"{path} cannot be read as an XLSX workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    rows = [row for row in rows if any(c.strip() for c in row)]
    if not rows:
        return pd.DataFrame()
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    header = [c if c else f"(column {i + 1})" for i, c in enumerate(rows[0])]
    return pd.DataFrame(rows[1:], columns=header, dtype=object)


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            skip_blank_lines=True)  # fmt: skip
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        reason = str(exc).splitlines()[0]
        raise InputError(
            f"{path} cannot be read as a CSV file in UTF-8: {reason}",
            hint="Save it from the spreadsheet as 'CSV UTF-8 (comma delimited)' or as .xlsx.",
        ) from None
    return frame


def read_file(path: Path) -> pd.DataFrame:
    """A register file (CSV, or the first sheet of an XLSX workbook) with the contract's
    columns (case and spaces ignored), every cell as stripped text."""
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise InputError(
            f"{path}: a register is a .csv or .xlsx file, found {suffix or 'no extension'!r}.",
            hint="Save the register from the spreadsheet as .xlsx or as CSV UTF-8.",
        )
    frame = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    if frame.columns.empty:
        raise InputError(
            f"{path.name} is empty: expected a header row "
            f"({', '.join(COLUMNS)}) and one row per status change.",
            hint="Start from the referral_register.csv of the practice's outreach folder.",
        )
    frame.columns = [" ".join(str(c).split()).lower().replace(" ", "_") for c in frame.columns]
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
    text = frame[list(COLUMNS)].fillna("").astype(str)
    stripped: pd.DataFrame = text.apply(lambda s: s.str.strip())
    return stripped


def import_file(path: Path, db: Path, roster: Roster | Collection[str]) -> Imported:
    """Check a register file and merge it into the store's register, all or nothing.
    Rows with no status yet (the blank template) are skipped and counted."""
    frame = read_file(path)
    blank = (frame["status"] == "") & (frame["status_date"] == "")
    # Keep the spreadsheet's row numbers for the problems: drop blanks after checking.
    rows = frame.assign(_row=range(2, len(frame) + 2))[~blank]
    checked = rows.drop(columns="_row").reset_index(drop=True)
    findings = validate(checked, roster)
    if findings:
        numbers = rows["_row"].tolist()
        findings = [Finding(numbers[f.row - 2], f.column, f.found, f.expected, f.hint)
                    for f in findings]  # fmt: skip
        shown = [f.render() for f in findings[:SHOWN]]
        if len(findings) > SHOWN:
            shown.append(f"… and {len(findings) - SHOWN} more problem(s) of the same kinds.")
        raise InputError(
            f"{path.name} has {len(findings)} problem(s); nothing was imported.\n"
            + "\n".join(shown),
            hint=f"status is one of: {', '.join(STATUSES)}; dates are {DATE_FORMS}. "
            "Fix the rows named and import the whole file again.",
        )
    before = read_register(db)
    merged = pd.concat([before, checked], ignore_index=True)
    merged = merged.drop_duplicates(subset=KEY, keep="last")
    merged = merged.sort_values(KEY).reset_index(drop=True)
    target = register_path(db)
    temporary = target.with_name(target.name + ".tmp")
    merged.to_csv(temporary, index=False)
    temporary.replace(target)  # atomic: the register is the old one or the new one
    return Imported(len(checked), len(merged) - len(before), int(blank.sum()), target)


def current(register: pd.DataFrame, practices: Sequence[str] | None = None) -> pd.DataFrame:
    """Each referral's latest status (by date, then funnel order), optionally for some
    practices only."""
    frame = register if practices is None else register[register["practice_id"].isin(practices)]
    order = frame["status"].map({s: i for i, s in enumerate(STATUSES)})
    latest = frame.assign(_o=order).sort_values(["status_date", "_o"])
    latest = latest.groupby(["member_id", "practice_id"], as_index=False).last()
    return latest.drop(columns="_o")
