"""The named gap list of one practice: its children 1–5 with no dental visit in 12 months.

Member-level data: a list is built for one practice at a time, from the children the
long table attributes to that practice, and nothing of another practice enters it. For
each child it adds the well-child gaps (W30, WCV), who to call, the last dental and
well-child visits, when the next well-child visit is due (Bright Futures schedule), and
the nearest dental offices that see children of that age.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Hashable, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from wellchild.core.dates import add_years_py
from wellchild.engines.base import Engine
from wellchild.geography.places import distance_km, zip_place
from wellchild.measures.context import Context, Period, Settings
from wellchild.measures.evaluate import denominator_rows
from wellchild.measures.registry import get

WELL_CHILD_GAPS = ("w30_1", "w30_2", "wcv")
# The Bright Futures periodicity schedule (months): newborn, 1, 2, 4, 6, 9, 12, 15, 18,
# 24 and 30 months, then yearly to 21 years.
SCHEDULE_MONTHS = (0, 1, 2, 4, 6, 9, 12, 15, 18, 24, 30, *range(36, 12 * 21 + 1, 12))
# A visit kept up to two months before its age stands for it.
EARLY_DAYS = 60
DENTISTS_PER_CHILD = 3
KM_PER_MILE = 1.609344

GAP_COLUMNS = (
    "member_id",
    "first_name",
    "last_name",
    "birth_date",
    "age_years",
    "language",
    "guardian_name",
    "phone",
    "address",
    "city",
    "zip",
    "county_fips",
    "plan_id",
    "pcp_npi",
    "pcp_name",
    "last_dental_visit",
    "last_well_child_visit",
    "well_child_due",
    "well_child_overdue",
    "gap_w30_1",
    "gap_w30_2",
    "gap_wcv",
    "dentists",
)


def _context(engine: Engine, as_of: dt.date) -> Context:
    period = Period.for_year(as_of.year, as_of=as_of)
    return Context(engine.inputs(), period, Settings.from_config(), cache=engine.cache)


def _listed(ctx: Context, practice_ids: Sequence[str]) -> ir.Table:
    """The children a gap list names: aged 1–5, enrolled and assigned to one of the
    practices on the list's date, not excluded, with no dental visit in the 12 months
    ending that day (``dental_12m`` not met)."""
    dental = denominator_rows(ctx, get("dental_12m"))
    return dental.filter(
        ~dental.excluded & ~dental.met & dental.practice_id.isin(list(practice_ids))
    ).select("member_id", "practice_id")


def listed(engine: Engine, practice_ids: Sequence[str], as_of: dt.date) -> pd.DataFrame:
    """``member_id`` and ``practice_id`` of every child the practices' gap lists of
    ``as_of`` name: the cohort an evaluation starting that day follows."""
    table = _listed(_context(engine, as_of), practice_ids)
    frame: pd.DataFrame = engine.to_arrow(table).to_pandas().astype(str)
    return frame


def _gap_flags(ctx: Context, practice_id: str) -> ir.Table:
    """One row per child of the practice's non-utilizers with a boolean per
    well-child measure: in its denominator, not excluded, not met."""
    who = _listed(ctx, [practice_id]).select("member_id")
    for measure_id in WELL_CHILD_GAPS:
        rows = denominator_rows(ctx, get(measure_id))
        gap = rows.filter(~rows.excluded & ~rows.met).select("member_id", _gap=ibis.literal(True))
        who = who.left_join(gap, "member_id").select(
            who, **{f"gap_{measure_id}": gap._gap.fill_null(False)}
        )
    return who


def _last(table: ir.Table, as_of: dt.date, name: str) -> ir.Table:
    t = table.filter(table.service_date <= as_of)
    return t.group_by("member_id").aggregate(**{name: t.service_date.max()})


def _covering(table: ir.Table, as_of: dt.date) -> ir.Table:
    return table.filter(
        (table.start_date <= as_of) & (table.end_date.isnull() | (table.end_date >= as_of))
    )


def children(engine: Engine, practice_id: str, as_of: dt.date) -> pd.DataFrame:
    """The practice's non-utilizers with contact details, visits and gaps (no dentists yet)."""
    ctx = _context(engine, as_of)
    inputs = ctx.inputs
    t = _gap_flags(ctx, practice_id)
    m = inputs.member
    t = t.join(m, "member_id")
    for extra in (
        _last(inputs.dental_services, as_of, "last_dental_visit"),
        _last(inputs.well_care_visits, as_of, "last_well_child_visit"),
    ):
        t = t.left_join(extra, "member_id").drop("member_id_right")
    e = _covering(inputs.enrollment, as_of)
    plan = e.group_by("member_id").aggregate(plan_id=e.plan_id.max())
    t = t.left_join(plan, "member_id").drop("member_id_right")
    a = _covering(inputs.pcp_assignment, as_of)
    a = a.filter(a.practice_id == practice_id)
    pcp = a.group_by("member_id").aggregate(pcp_npi=a.npi.max())
    t = t.left_join(pcp, "member_id").drop("member_id_right")
    names = inputs.provider.group_by("npi").aggregate(pcp_name=inputs.provider.name.min())
    t = t.left_join(names, t.pcp_npi == names.npi).drop("npi")
    frame = engine.to_arrow(t).to_pandas()
    frame["age_years"] = [_age(b, as_of) for b in frame["birth_date"]]
    due = [_next_due(b, last, as_of) for b, last in zip(frame["birth_date"],
                                                        frame["last_well_child_visit"],
                                                        strict=True)]  # fmt: skip
    frame["well_child_due"] = due
    frame["well_child_overdue"] = [d is not None and d <= as_of for d in due]
    ordered: pd.DataFrame = frame.sort_values(["last_name", "first_name", "member_id"])
    return ordered.reset_index(drop=True)


def _age(birth: dt.date, on: dt.date) -> int:
    years = on.year - birth.year
    return years - 1 if add_years_py(birth, years) > on else years


def _add_months(day: dt.date, months: int) -> dt.date:
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _next_due(birth: dt.date, last_visit: object, as_of: dt.date) -> dt.date | None:
    """The well-child visit to book, as of ``as_of``: the visit of the child's current
    schedule age when it has not been kept (due on or before ``as_of``: overdue now),
    else the next one on the schedule. Visits of ages long past are not chased: a
    4-year-old who missed the 2-year visit is due the 4-year one."""
    after = last_visit if isinstance(last_visit, dt.date) else None
    dues = [_add_months(birth, months) for months in SCHEDULE_MONTHS]
    past = [d for d in dues if d <= as_of]
    if past:
        current = past[-1]
        kept = after is not None and after >= current - dt.timedelta(days=EARLY_DAYS)
        if not kept:
            return current
    coming = [d for d in dues if d > as_of]
    for due in coming:
        if after is None or after < due - dt.timedelta(days=EARLY_DAYS):
            return due
    return None


def _acceptance(values: pd.Series) -> bool | None:
    """Whether an office takes new patients: yes if any of its dentists does, no if
    every one is known not to, else unknown (None) — never guessed as yes."""
    known = values.dropna()
    if bool(known.astype(bool).any()):
        return True
    return False if len(known) == len(values) else None


def dental_offices(provider: pd.DataFrame) -> pd.DataFrame:
    """One row per dental practice: name, address, phone, languages, the youngest age
    any of its dentists sees, and whether it takes new patients (True, False or None
    for unknown)."""
    d = provider[provider["kind"] == "dentist"]
    grouped = d.groupby("practice_id").agg(
        name=("practice_name", "first"),
        address=("address", "first"),
        city=("city", "first"),
        zip=("zip", "first"),
        county_fips=("county_fips", "first"),
        phone=("phone", "first"),
        languages=("languages", "first"),
        min_age=("min_age_years", "min"),
        accepting=("accepts_new_patients", _acceptance),
    )
    return grouped.reset_index()


def _speaks(languages: object, tag: str) -> bool:
    """Whether an office's languages (``en;es``) include a family's spoken language:
    tags match on their language subtag, since a script is how a language is written,
    not spoken (a ``zh-Hant`` office speaks with a ``zh-Hans`` family)."""
    spoken = {t.strip().lower().split("-")[0] for t in str(languages or "en").split(";")}
    return tag.strip().lower().split("-")[0] in spoken


def nearest(
    offices: pd.DataFrame,
    home_zip: str,
    county_fips: str,
    age: int,
    language: str = "en",
    *,
    count: int = DENTISTS_PER_CHILD,
) -> list[dict[str, Any]]:
    """The ``count`` offices in the child's county a family can use: they see a child
    of ``age`` and do not refuse new patients; those speaking the family's language
    come first, then those known to take new patients, then the nearest (by ZIP
    centroid). A home ZIP with no location gives the offices in that ZIP. Medi-Cal
    Dental's line, on every form, covers the rest."""
    fit = offices[
        (offices["accepting"].map(lambda v: v is not False))
        & (offices["min_age"].fillna(0) <= age)
        & (offices["county_fips"] == county_fips)
    ]
    home = zip_place(home_zip)
    if home is None:
        fit = fit[fit["zip"] == home_zip].assign(km=float("nan"))
    else:
        km = [_km(home_zip, z) for z in fit["zip"]]
        fit = fit.assign(km=km).dropna(subset=["km"])
    fit = fit.assign(
        speaks=[_speaks(v, language) for v in fit["languages"]],
        unknown=[v is None for v in fit["accepting"]],
    ).sort_values(["speaks", "unknown", "km", "practice_id"], ascending=[False, True, True, True])
    return [_office(r) for r in fit.head(count).to_dict("records")]


def _office(r: dict[Hashable, Any]) -> dict[str, Any]:
    km = float(r["km"])
    return {
        "name": str(r["name"]),
        "address": f"{r['address']}, {r['city']} {r['zip']}",
        "phone": str(r["phone"]),
        "languages": [t.strip() for t in str(r["languages"] or "en").split(";") if t.strip()],
        "miles": None if math.isnan(km) else round(km / KM_PER_MILE, 1),
        "accepting": r["accepting"],
        "speaks": bool(r["speaks"]),
    }


def _km(a: str, b: str) -> float:
    pa, pb = zip_place(a), zip_place(b)
    return float("nan") if pa is None or pb is None else distance_km(pa, pb)


def gap_list(engine: Engine, practice_id: str, as_of: dt.date) -> pd.DataFrame:
    """The gap list of one practice with, per child, the nearest fitting dentists
    (a list of dicts in ``dentists``)."""
    frame = children(engine, practice_id, as_of)
    offices = dental_offices(engine.to_arrow(engine.inputs().provider).to_pandas())
    dentists: list[list[dict[str, Any]]] = [
        nearest(offices, str(z), str(c), int(a), str(lang))
        for z, c, a, lang in zip(
            frame["zip"], frame["county_fips"], frame["age_years"], frame["language"], strict=True
        )
    ]
    frame["dentists"] = pd.Series(dentists, index=frame.index, dtype=object)
    return frame[list(GAP_COLUMNS)]


def _miles(office: dict[str, Any]) -> str:
    miles = office.get("miles")
    return "" if miles is None else f"{miles:.1f} mi"


def flat(frame: pd.DataFrame, columns: Sequence[str] = GAP_COLUMNS) -> pd.DataFrame:
    """The gap list for a spreadsheet: dentists as one text cell."""
    out = frame[list(columns)].copy()
    out["dentists"] = [
        "; ".join(f"{d['name']} {d['phone']} ({_miles(d)})" for d in ds) for ds in frame["dentists"]
    ]
    return out
