"""A published run's member-level rows into the portal, and out again when withdrawn.

On ``run_published`` the portal reads, from the run folder, every practice's rows of the
long table (its rates per measure) and, from each practice's outreach folder, its gap
list (the named children). Everything is checked before anything is written: each
problem names the file, the rows and the column, and any problem stops the whole
publication (the signal is sent inside the publish transaction). Messages name rows and
columns, never a child's details.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction

from wellchild.errors import InputError
from wellchild.hub.data.models import Run
from wellchild.hub.portal.models import Child, GapEntry, GapList, MeasureRate, Practice
from wellchild.measures import runfolder
from wellchild.measures.registry import load_spec
from wellchild.outreach.referrals import Problem

GAP_LIST = "gap_list.csv"
REGISTER = "referral_register.csv"
# The long table's columns the portal reads.
PORTAL_COLUMNS = (
    "member_id",
    "measure_id",
    "measure_version",
    "period_start",
    "period_end",
    "practice_id",
    "in_denominator",
    "excluded",
    "met",
)
BOOLEANS = {"true": True, "false": False, "1": True, "0": False}
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
FIPS = re.compile(r"^\d{5}$")
PHONE = re.compile(r"\(?\d{3}\)?[-. ]?\d{3}-\d{4}")
MAX_AGE = 21


@dataclass(frozen=True)
class Loaded:
    """What a publication added to the portal."""

    practices: int
    gap_lists: int
    children: int
    rates: int

    def __str__(self) -> str:
        if not self.gap_lists:
            return (
                f"Practice portal: {self.practices:,} practice(s) with their rates; no gap "
                "lists (publishing the run again with its outreach folders loads them)."
            )
        return (
            f"Practice portal: {self.practices:,} practice(s); {self.gap_lists:,} gap "
            f"list(s) naming {self.children:,} children, each shown only to its practice."
        )


@dataclass
class _Problems:
    """Every problem found, grouped per file, column and kind (rows listed)."""

    rows: dict[tuple[str, str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    other: list[str] = field(default_factory=list)

    def add(self, name: str, column: str, message: str, row: int) -> None:
        self.rows[(name, column, message)].append(row)

    def lines(self) -> list[str]:
        grouped = [
            Problem(column, message, tuple(rows)).render(name)
            for (name, column, message), rows in self.rows.items()
        ]
        return self.other + grouped

    def raise_if_any(self, what: str) -> None:
        lines = self.lines()
        if lines:
            raise InputError(
                f"{what}: {len(lines)} problem(s); nothing was published.\n" + "\n".join(lines),
                hint="Build the outreach folders with `wellchild outreach` from the same store "
                "and as-of date as the run, one folder per practice named by its practice id.",
            )


# The long table -----------------------------------------------------------------------


def read_long(run_dir: Path) -> pd.DataFrame:
    """The columns of ``measure_long.parquet`` the portal needs, checked."""
    long = runfolder.read_long(run_dir, PORTAL_COLUMNS)
    path = run_dir / runfolder.LONG
    problems = _Problems()
    for column in ("in_denominator", "excluded", "met"):
        if not pd.api.types.is_bool_dtype(long[column]):
            problems.other.append(f"{path.name}, column {column}: expected true/false values.")
    for column in ("member_id", "measure_id"):
        for row in long.index[long[column].isna()]:
            problems.add(path.name, column, "are empty", int(row) + 1)
    problems.raise_if_any(path.name)
    long["practice_id"] = long["practice_id"].astype("string").str.strip()
    return long


def overall(run_dir: Path) -> dict[str, dict[str, Any]]:
    """Per measure, its name and the run's total rate and target (``summary.csv``)."""
    path = run_dir / runfolder.SUMMARY
    if not path.is_file():
        return {}
    summary = pd.read_csv(path, dtype={"measure_id": str, "dimension": str})
    totals = summary[summary["dimension"] == "total"]
    return {
        str(r["measure_id"]): {
            "name": str(r.get("measure_name") or r["measure_id"]),
            "rate": _float(r.get("rate")),
            "target": _float(r.get("target_rate")),
        }
        for r in totals.to_dict("records")
    }


def practice_rates(long: pd.DataFrame) -> pd.DataFrame:
    """Per practice and measure: eligible, excluded, denominator, numerator, rate and its
    95% Wilson interval, counted as ``summary.csv`` counts the whole run."""
    # heavy: Ibis loads only when a run is published
    from wellchild.measures.summary import wilson

    rows = long[long["practice_id"].notna() & (long["practice_id"] != "")]
    counted = rows.assign(
        _excluded=rows["in_denominator"] & rows["excluded"],
        _denominator=rows["in_denominator"] & ~rows["excluded"],
        _numerator=rows["in_denominator"] & ~rows["excluded"] & rows["met"],
    )
    g = (
        counted.groupby(["practice_id", "measure_id"], observed=True)
        .agg(
            measure_version=("measure_version", "first"),
            period_start=("period_start", "min"),
            period_end=("period_end", "max"),
            eligible=("in_denominator", "sum"),
            excluded=("_excluded", "sum"),
            denominator=("_denominator", "sum"),
            numerator=("_numerator", "sum"),
        )
        .reset_index()
    )
    g = g[g["eligible"] > 0].reset_index(drop=True)
    den = g["denominator"].to_numpy(dtype=float)
    num = g["numerator"].to_numpy(dtype=float)
    g["rate"] = [n / d if d else None for n, d in zip(num, den, strict=True)]
    g["ci_low"], g["ci_high"] = wilson(num, den)
    return g


# The outreach folders -----------------------------------------------------------------


def _float(value: object) -> float | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return None if number != number else number


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _optional_date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _boolean(text: str) -> bool:
    return BOOLEANS[text.lower()]


def _age(text: str) -> int:
    age = int(text)
    if not 0 <= age <= MAX_AGE:
        raise ValueError
    return age


def _language(text: str) -> str:
    if not LANGUAGE_TAG.match(text):
        raise ValueError
    return text


def _fips(text: str) -> str:
    if text and not FIPS.match(text):
        raise ValueError
    return text


# column → (parse, what a good value looks like); columns not named here are text.
PARSERS: dict[str, tuple[Callable[[str], Any], str]] = {
    "birth_date": (_date, "are not dates as YYYY-MM-DD"),
    "age_years": (_age, f"are not whole numbers of years from 0 to {MAX_AGE}"),
    "language": (_language, "are not language tags such as en, es or zh-Hant"),
    "county_fips": (_fips, "are not 5-digit county FIPS codes"),
    "last_dental_visit": (_optional_date, "are not dates as YYYY-MM-DD (or empty)"),
    "last_well_child_visit": (_optional_date, "are not dates as YYYY-MM-DD (or empty)"),
    "well_child_due": (_optional_date, "are not dates as YYYY-MM-DD (or empty)"),
    "well_child_overdue": (_boolean, "are not True or False"),
    "gap_w30_1": (_boolean, "are not True or False"),
    "gap_w30_2": (_boolean, "are not True or False"),
    "gap_wcv": (_boolean, "are not True or False"),
}
TEXT_LIMITS = {
    "member_id": 40,
    "first_name": 100,
    "last_name": 100,
    "guardian_name": 200,
    "phone": 40,
    "address": 200,
    "city": 100,
    "zip": 10,
    "plan_id": 40,
    "pcp_npi": 20,
    "pcp_name": 200,
}


def read_gap_list(
    path: Path, name: str, attributed: set[str], problems: _Problems
) -> list[dict[str, Any]]:
    """The rows of one ``gap_list.csv``, typed; problems are added to ``problems``.
    ``attributed``: the members the run attributes to the folder's practice."""
    # heavy: Ibis loads only when a run is published
    from wellchild.outreach.gaps import GAP_COLUMNS

    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in GAP_COLUMNS if c not in header]
        if missing:
            problems.other.append(
                f"{name}: missing column(s) {', '.join(missing)}; found {', '.join(header)}."
            )
            return []
        rows = []
        seen: set[str] = set()
        for number, raw in enumerate(reader, start=2):
            cells = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            row = _row(cells, name, number, problems)
            member = row["member_id"]
            if member in seen:
                problems.add(name, "member_id", "repeat a child listed above", number)
            elif member and member not in attributed:
                problems.add(
                    name, "member_id", "name children the run does not attribute to it", number
                )
            seen.add(member)
            rows.append(row)
    return rows


def _row(cells: dict[str, str], name: str, number: int, problems: _Problems) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for column, limit in TEXT_LIMITS.items():
        value = cells.get(column, "")
        if len(value) > limit:
            problems.add(name, column, f"are longer than {limit} characters", number)
        row[column] = value[:limit]
    if not row["member_id"]:
        problems.add(name, "member_id", "are empty", number)
    if not (row["first_name"] or row["last_name"]):
        problems.add(name, "last_name", "have no name (first_name and last_name empty)", number)
    for column, (parse, message) in PARSERS.items():
        try:
            row[column] = parse(cells.get(column, ""))
        except (ValueError, KeyError):
            problems.add(name, column, message, number)
            row[column] = None
    row["dentists"] = cells.get("dentists", "")
    return row


def read_outreach(
    outreach_dir: Path, members: dict[str, set[str]]
) -> dict[str, tuple[Path, list[dict[str, Any]]]]:
    """Every practice folder's gap list, checked; ``members``: practice → members the run
    attributes to it."""
    if not outreach_dir.is_dir():
        raise InputError(f"{outreach_dir}: no such folder of outreach folders.")
    problems = _Problems()
    found: dict[str, tuple[Path, list[dict[str, Any]]]] = {}
    for folder in sorted(p for p in outreach_dir.iterdir() if p.is_dir()):
        practice_id = folder.name
        path = folder / GAP_LIST
        name = f"{practice_id}/{GAP_LIST}"
        if practice_id not in members:
            problems.other.append(
                f"{folder}: the run has no rows of a practice {practice_id!r}; each folder "
                "is named by the practice id of its children."
            )
            continue
        if not path.is_file():
            problems.other.append(f"{folder}: no {GAP_LIST} in the practice's folder.")
            continue
        _check_register(folder, practice_id, problems)
        found[practice_id] = (path, read_gap_list(path, name, members[practice_id], problems))
    problems.raise_if_any(f"The outreach folders in {outreach_dir}")
    return found


def _check_register(folder: Path, practice_id: str, problems: _Problems) -> None:
    """The folder's referral register, when there, must be of the same practice: a folder
    renamed or copied by hand is caught here."""
    path = folder / REGISTER
    if not path.is_file():
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, raw in enumerate(csv.DictReader(handle), start=2):
            other = (raw.get("practice_id") or "").strip()
            if other and other != practice_id:
                problems.add(
                    f"{practice_id}/{REGISTER}", "practice_id", "name another practice", number
                )


def parse_dentists(
    text: str, offices: dict[tuple[str, str], dict[str, str]]
) -> list[dict[str, str]]:
    """The dental offices of a gap list's ``dentists`` cell ("name phone (distance); …"),
    with address and languages from the store's offices when it was given."""
    found = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        distance = ""
        if part.endswith(")") and "(" in part:
            head, _, tail = part.rpartition(" (")
            part, distance = head, tail[:-1]
        phones = list(PHONE.finditer(part))
        name, phone = (
            (part[: phones[-1].start()].strip(), phones[-1].group(0)) if phones else (part, "")
        )
        office = offices.get((name, phone), {})
        found.append(
            {
                "name": name,
                "address": office.get("address", ""),
                "phone": phone,
                "languages": office.get("languages", ""),
                "distance": distance,
            }
        )
    return found


# The store ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreDetails:
    """What the store adds: practices' names, phones and counties; dental offices."""

    practices: dict[str, dict[str, str]]
    offices: dict[tuple[str, str], dict[str, str]]


def store_details(db: Path | None) -> StoreDetails:
    if db is None:
        return StoreDetails({}, {})
    # heavy: Ibis and DuckDB load only when a run is published
    from wellchild.engines.duckdb_engine import DuckDBEngine
    from wellchild.outreach.gaps import dental_offices
    from wellchild.outreach.rank import practices

    engine = DuckDBEngine.open(db)
    try:
        provider = engine.inputs().provider
        rows = engine.to_arrow(practices(provider)).to_pylist()
        offices = dental_offices(engine.to_arrow(provider).to_pandas())
    finally:
        engine.close()
    return StoreDetails(
        {
            str(r["practice_id"]): {
                "name": str(r["practice_name"] or r["practice_id"]),
                "phone": str(r["phone"] or ""),
                "county_fips": str(r["county_fips"] or ""),
            }
            for r in rows
        },
        {
            (str(o["name"]), str(o["phone"])): {
                "address": f"{o['address']}, {o['city']} {o['zip']}",
                "languages": str(o["languages"] or "en").replace(";", ", "),
            }
            for o in offices.to_dict("records")
        },
    )


# Loading and dropping -----------------------------------------------------------------


def load_run(*, run: Run, run_dir: Path, outreach_dir: Path | None, db: Path | None) -> Loaded:
    """Load a run's rates and gap lists (replacing what an earlier publication of the same
    run loaded); everything is checked first, so a problem leaves the portal as it was."""
    long = read_long(run_dir)
    members = {
        str(p): set(map(str, group["member_id"]))
        for p, group in long[long["practice_id"].notna()].groupby("practice_id", observed=True)
        if str(p)
    }
    folders = read_outreach(outreach_dir, members) if outreach_dir is not None else {}
    rates = practice_rates(long)
    totals = overall(run_dir)
    store = store_details(db)
    with transaction.atomic():
        # A child listed again keeps its key (bookmarks, records); only children left on
        # no list and with no record are forgotten, after the new lists are in.
        touched = _drop_rows(run)
        practices = _practices(sorted(set(members) | set(folders)), store)
        made = MeasureRate.objects.bulk_create(
            _rates(run, rates, practices, totals), batch_size=1000
        )
        children = 0
        for practice_id, (path, rows) in folders.items():
            children += _gap_list(run, practices[practice_id], path, rows, store)
        _forget_unlisted(touched)
    return Loaded(len(practices), len(folders), children, len(made))


def _practices(ids: list[str], store: StoreDetails) -> dict[str, Practice]:
    existing = {p.practice_id: p for p in Practice.objects.filter(practice_id__in=ids)}
    for practice_id in ids:
        details = store.practices.get(practice_id)
        practice = existing.get(practice_id)
        if practice is None:
            practice = existing[practice_id] = Practice(practice_id=practice_id, name=practice_id)
        if details:
            practice.name = details["name"][:200]
            practice.phone = details["phone"][:40]
            practice.county_fips = details["county_fips"][:5]
        practice.save()
    return existing


def _rates(
    run: Run,
    rates: pd.DataFrame,
    practices: dict[str, Practice],
    totals: dict[str, dict[str, Any]],
) -> Iterable[MeasureRate]:
    names = _measure_names(set(rates["measure_id"]), totals)
    for r in rates.to_dict("records"):
        total = totals.get(str(r["measure_id"]), {})
        yield MeasureRate(
            run=run,
            practice=practices[str(r["practice_id"])],
            measure_id=str(r["measure_id"]),
            measure_name=names[str(r["measure_id"])][:200],
            measure_version=str(r["measure_version"] or "")[:40],
            period_start=pd.Timestamp(r["period_start"]).date(),
            period_end=pd.Timestamp(r["period_end"]).date(),
            eligible=int(r["eligible"]),
            excluded=int(r["excluded"]),
            denominator=int(r["denominator"]),
            numerator=int(r["numerator"]),
            rate=_float(r["rate"]),
            ci_low=_float(r["ci_low"]),
            ci_high=_float(r["ci_high"]),
            overall_rate=total.get("rate"),
            target_rate=total.get("target"),
        )


def _measure_names(ids: set[str], totals: dict[str, dict[str, Any]]) -> dict[str, str]:
    names = {}
    for measure_id in ids:
        name = totals.get(measure_id, {}).get("name")
        if not name:
            try:
                name = str(load_spec(measure_id)["name"])
            except (KeyError, FileNotFoundError, ValueError):
                name = measure_id
        names[measure_id] = str(name)
    return names


def _gap_list(
    run: Run, practice: Practice, path: Path, rows: list[dict[str, Any]], store: StoreDetails
) -> int:
    gap_list = GapList.objects.create(
        run=run, practice=practice, as_of=run.as_of, children=len(rows), source=str(path)[:500]
    )
    known = {c.member_id: c for c in Child.objects.filter(practice=practice)}
    new = [Child(practice=practice, member_id=r["member_id"]) for r in rows]
    new = [c for c in new if c.member_id not in known]
    for child in Child.objects.bulk_create(new, batch_size=1000):
        known[child.member_id] = child
    if any(c.pk is None for c in known.values()):  # backends that return no ids
        known = {c.member_id: c for c in Child.objects.filter(practice=practice)}
    entries = []
    for r in rows:
        values = {k: ("" if v is None and k in TEXT_LIMITS else v) for k, v in r.items()}
        values["dentists"] = parse_dentists(r["dentists"], store.offices)
        member = values.pop("member_id")
        entries.append(GapEntry(gap_list=gap_list, child=known[member], **values))
    GapEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def drop_run(*, run: Run) -> None:
    """Remove what a run brought: its gap lists (the named children) and rates. Outreach
    records stay with their practice and child; a child left with neither a gap list nor
    a record goes too."""
    with transaction.atomic():
        _forget_unlisted(_drop_rows(run))


def _drop_rows(run: Run) -> set[int]:
    """Delete the run's gap lists and rates; the ids of the practices they were of."""
    touched = set(GapList.objects.filter(run=run).values_list("practice_id", flat=True))
    GapList.objects.filter(run=run).delete()
    MeasureRate.objects.filter(run=run).delete()
    return touched


def _forget_unlisted(practice_ids: set[int]) -> None:
    Child.objects.filter(practice_id__in=practice_ids, entries=None, outreach=None).delete()
