"""Reference implementations of four measures, written plainly from docs/measure-rules.md in pandas.

They are deliberately simple and independent of the package's engine so that the real
measure engine can be compared with them: W30 rate 1, W30 rate 2, ``wcv_6m`` and
``dental_12m``. Each returns one row per child in the denominator with ``excluded``,
``met`` and the attributed ``practice_id``; :func:`rate` turns that into a rate.

The rules followed, all from docs/measure-rules.md:

- only ``paid`` lines count; codes are compared without dots and case;
- a well-child visit is a medical line whose procedure is in the well-care list or any of
  whose diagnoses is in the well-care list, given by a primary care provider: the
  rendering NPI (the billing NPI when rendering is empty) is a provider of kind ``pcp``
  or ``clinic``; place of service 81 (independent lab) never counts; several lines on
  one date are one visit;
- 15-month birthday = first birthday + 90 days, 30-month birthday = second birthday +
  180 days, 6-month birthday = same day 6 months later (or that month's last day); a
  child born on 29 February has birthdays on 28 February in common years;
- continuous enrollment over a window: overlapping and adjacent spans merged, at most one
  gap of at most 45 days inside the window, days before the first or after the last span
  counting as gaps;
- required exclusions: died in the measurement year, hospice services in the year;
- the attributed practice is that of the PCP assignment covering the last day of the
  window (the one that started last where several do).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

TABLES = ("member", "enrollment", "pcp_assignment", "provider", "medical_claim", "dental_claim")
DATE_COLUMNS = {
    "member": ("birth_date", "death_date"),
    "enrollment": ("start_date", "end_date"),
    "pcp_assignment": ("start_date", "end_date"),
    "medical_claim": ("service_date",),
    "dental_claim": ("service_date",),
}
WELL_CARE_PROCEDURES = frozenset(
    ["99381", "99382", "99383", "99384", "99385", "99391", "99392", "99393", "99394", "99395",
     "99461", "G0438", "G0439", "S0302"]
)  # fmt: skip
WELL_CARE_DIAGNOSES = frozenset(
    ["Z00110", "Z00111", "Z00121", "Z00129", "Z0000", "Z0001", "Z002", "Z003", "Z025",
     "Z761", "Z762"]
)  # fmt: skip
HOSPICE = frozenset(
    [f"G{n}" for n in range(9473, 9480)]
    + [f"Q{n}" for n in range(5003, 5009)]
    + ["Q5010", "S9126"]
    + [f"T{n}" for n in range(2042, 2047)]
)
PRIMARY_CARE = ("pcp", "clinic")
MAX_GAP_DAYS = 45
FAR_FUTURE = pd.Timestamp("2200-01-01")
ONE_DAY = pd.Timedelta(days=1)


# -- reading -----------------------------------------------------------------------------


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    """The six tables of an input folder (CSV or Parquet) as text columns and dates."""
    tables = {}
    for name in TABLES:
        csv, parquet = folder / f"{name}.csv", folder / f"{name}.parquet"
        if csv.exists():
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
        else:
            frame = pd.read_parquet(parquet)
            frame = frame.astype(
                {c: str for c in frame.columns if c not in DATE_COLUMNS.get(name, ())}
            )
            frame = frame.replace({"None": None, "nan": None, "<NA>": None})
        for column in DATE_COLUMNS.get(name, ()):
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
        tables[name] = frame
    return tables


def normalize(codes: pd.Series) -> pd.Series:
    """Codes compare without dots, spaces and case."""
    return (
        codes.fillna("")
        .str.replace(".", "", regex=False)
        .str.replace(" ", "", regex=False)
        .str.upper()
    )


# -- dates -------------------------------------------------------------------------------


def add_months(dates: pd.Series, months: int) -> pd.Series:
    """The same day of the month ``months`` later, or that month's last day."""
    year = dates.dt.year + (dates.dt.month - 1 + months) // 12
    month = (dates.dt.month - 1 + months) % 12 + 1
    first = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    last_day = (first + pd.offsets.MonthEnd(0)).dt.day
    day = np.minimum(dates.dt.day, last_day)
    return first + pd.to_timedelta(day - 1, unit="D")


def birthday(births: pd.Series, years: int) -> pd.Series:
    """The ``years``-th birthday; 29 February becomes 28 February in common years."""
    return add_months(births, 12 * years)


# -- enrollment --------------------------------------------------------------------------


def merged_spans(enrollment: pd.DataFrame) -> pd.DataFrame:
    """Overlapping and adjacent spans of a member merged: member_id, start, end (open =
    FAR_FUTURE)."""
    spans = pd.DataFrame(
        {
            "member_id": enrollment["member_id"],
            "start": enrollment["start_date"],
            "end": enrollment["end_date"].fillna(FAR_FUTURE),
        }
    ).sort_values(["member_id", "start", "end"])
    reach = spans.groupby("member_id")["end"].cummax()
    previous = reach.groupby(spans["member_id"]).shift()
    new_island = previous.isna() | (spans["start"] > previous + ONE_DAY)
    spans["island"] = new_island.cumsum()
    return (
        spans.groupby("island")
        .agg(member_id=("member_id", "first"), start=("start", "min"), end=("end", "max"))
        .reset_index(drop=True)
    )


def continuously_enrolled(spans: pd.DataFrame, windows: pd.DataFrame) -> pd.Series:
    """True for each window (member_id, window_start, window_end) with at most one gap of
    at most 45 days; indexed like ``windows``."""
    w = windows[["member_id", "window_start", "window_end"]].copy()
    w["window"] = np.arange(len(w))
    inside = w.merge(spans, on="member_id")
    inside["s"] = inside[["start", "window_start"]].max(axis=1)
    inside["e"] = inside[["end", "window_end"]].min(axis=1)
    inside = inside[inside["s"] <= inside["e"]].sort_values(["window", "s"])

    gaps = []
    first = inside.groupby("window").first()
    last = inside.groupby("window").last()
    gaps.append((first["s"] - first["window_start"]).dt.days.rename("gap"))
    gaps.append((last["window_end"] - last["e"]).dt.days.rename("gap"))
    previous_end = inside.groupby("window")["e"].shift()
    between = (inside["s"] - previous_end).dt.days - 1
    gaps.append(
        pd.Series(between.to_numpy(), index=inside["window"].to_numpy(), name="gap").dropna()
    )
    gap = pd.concat(gaps)
    gap = gap[gap > 0]
    count = gap.groupby(level=0).size().reindex(w["window"], fill_value=0)
    longest = gap.groupby(level=0).max().reindex(w["window"], fill_value=0)

    # A window no span touches is one gap as long as the window.
    untouched = ~w["window"].isin(inside["window"])
    whole = ((w["window_end"] - w["window_start"]).dt.days + 1).to_numpy()
    count = np.where(untouched, 1, count.to_numpy())
    longest = np.where(untouched, whole, longest.to_numpy())
    ok = (count == 0) | ((count == 1) & (longest <= MAX_GAP_DAYS))
    return pd.Series(ok, index=windows.index)


def enrolled_on(spans: pd.DataFrame, members: pd.Series, day: pd.Timestamp) -> pd.Series:
    """True for each member with a merged span covering ``day``."""
    covering = spans[(spans["start"] <= day) & (spans["end"] >= day)]["member_id"]
    return members.isin(set(covering))


# -- claims ------------------------------------------------------------------------------


def well_child_visits(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Distinct (member_id, service_date) of well-child visits by primary care providers."""
    lines = tables["medical_claim"]
    lines = lines[lines["status"].str.lower() == "paid"]
    procedure = normalize(lines["procedure_code"])
    any_code = "|".join(sorted(WELL_CARE_DIAGNOSES))
    any_well_dx = normalize(lines["diagnosis_codes"]).str.contains(f"(?:^|;)(?:{any_code})(?:;|$)")
    well = procedure.isin(WELL_CARE_PROCEDURES) | any_well_dx
    pos = lines["place_of_service"].fillna("").str.zfill(2)
    npi = lines["rendering_npi"].where(lines["rendering_npi"].notna(), lines["billing_npi"])
    providers = tables["provider"]
    primary = set(providers.loc[providers["kind"].str.lower().isin(PRIMARY_CARE), "npi"])
    keep = well & (pos != "81") & npi.isin(primary)
    return lines.loc[keep, ["member_id", "service_date"]].drop_duplicates()


def dental_visits(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Distinct (member_id, service_date) of paid dental lines with CDT D0100-D9999."""
    lines = tables["dental_claim"]
    code = normalize(lines["procedure_code"])
    number = pd.to_numeric(code.str[1:].where(code.str.fullmatch(r"D\d{4}")), errors="coerce")
    keep = (lines["status"].str.lower() == "paid") & number.between(100, 9999)
    return lines.loc[keep, ["member_id", "service_date"]].drop_duplicates()


def excluded(tables: dict[str, pd.DataFrame], members: pd.Series, year: int) -> pd.Series:
    """Died in the measurement year, or hospice services in it."""
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    member = tables["member"].set_index("member_id")
    death = members.map(member["death_date"])
    died = death.between(start, end)
    lines = tables["medical_claim"]
    hospice = lines[
        (lines["status"].str.lower() == "paid")
        & normalize(lines["procedure_code"]).isin(HOSPICE)
        & lines["service_date"].between(start, end)
    ]
    return died.fillna(False).astype(bool) | members.isin(set(hospice["member_id"]))


def attributed_practice(
    tables: dict[str, pd.DataFrame], members: pd.Series, days: pd.Series
) -> pd.Series:
    """The practice of the PCP assignment covering each (member, day); the latest start wins."""
    a = tables["pcp_assignment"]
    frame = pd.DataFrame(
        {"member_id": members.to_numpy(), "day": days.to_numpy(), "row": np.arange(len(members))}
    )
    joined = frame.merge(a, on="member_id")
    covers = (joined["start_date"] <= joined["day"]) & (
        joined["end_date"].fillna(FAR_FUTURE) >= joined["day"]
    )
    joined = joined[covers].sort_values(["row", "start_date"])
    practice = joined.groupby("row")["practice_id"].last()
    return pd.Series(practice.reindex(np.arange(len(members))).to_numpy(), index=members.index)


def _count_visits(visits: pd.DataFrame, windows: pd.DataFrame) -> pd.Series:
    """Visits on distinct dates with window_open < date <= window_close, per window row."""
    joined = (
        windows[["member_id", "visit_after", "visit_until"]]
        .reset_index()
        .merge(visits, on="member_id")
    )
    inside = (joined["service_date"] > joined["visit_after"]) & (
        joined["service_date"] <= joined["visit_until"]
    )
    return (
        joined[inside]
        .groupby("index")["service_date"]
        .nunique()
        .reindex(windows.index, fill_value=0)
    )


# -- the measures ------------------------------------------------------------------------


def _well_child_measure(
    tables: dict[str, pd.DataFrame],
    year: int,
    *,
    due: pd.Series,
    enrolled_from: pd.Series,
    visits_after: pd.Series,
    at_least: int,
) -> pd.DataFrame:
    member = tables["member"]
    in_year = due.dt.year == year
    windows = pd.DataFrame(
        {
            "member_id": member["member_id"],
            "window_start": enrolled_from,
            "window_end": due,
            "visit_after": visits_after,
            "visit_until": due,
        }
    )[in_year]
    spans = merged_spans(tables["enrollment"])
    windows = windows[continuously_enrolled(spans, windows)]
    count = _count_visits(well_child_visits(tables), windows)
    return pd.DataFrame(
        {
            "member_id": windows["member_id"],
            "excluded": excluded(tables, windows["member_id"], year),
            "met": count >= at_least,
            "visits": count,
            "practice_id": attributed_practice(tables, windows["member_id"], windows["window_end"]),
        }
    ).reset_index(drop=True)


def w30_rate1(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """W30 rate 1: 6+ well-child visits on or before the 15-month birthday."""
    birth = tables["member"]["birth_date"]
    fifteen = birthday(birth, 1) + pd.Timedelta(days=90)
    before_birth = birth - ONE_DAY
    return _well_child_measure(
        tables, year, due=fifteen, enrolled_from=birth + pd.Timedelta(days=31),
        visits_after=before_birth, at_least=6,
    )  # fmt: skip


def w30_rate2(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """W30 rate 2: 2+ well-child visits after the 15-month and by the 30-month birthday."""
    birth = tables["member"]["birth_date"]
    fifteen = birthday(birth, 1) + pd.Timedelta(days=90)
    thirty = birthday(birth, 2) + pd.Timedelta(days=180)
    return _well_child_measure(
        tables, year, due=thirty, enrolled_from=fifteen + ONE_DAY, visits_after=fifteen, at_least=2
    )


def wcv_6m(tables: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """The learning community's aim: 2+ well-child visits by the 6-month birthday."""
    birth = tables["member"]["birth_date"]
    six = add_months(birth, 6)
    return _well_child_measure(
        tables, year, due=six, enrolled_from=birth + pd.Timedelta(days=31),
        visits_after=birth - ONE_DAY, at_least=2,
    )  # fmt: skip


def dental_12m(
    tables: dict[str, pd.DataFrame], year: int, as_of: dt.date | None = None
) -> pd.DataFrame:
    """The pilot's measure: children 1-5 on the as-of date, enrolled that day, with a dental
    visit in the 12 months ending then; non-utilizers are the rows with ``met`` false."""
    day = pd.Timestamp(as_of or dt.date(year, 12, 31))
    member = tables["member"]
    birth = member["birth_date"]
    aged = (birthday(birth, 1) <= day) & (day < birthday(birth, 6))
    spans = merged_spans(tables["enrollment"])
    rows = member[aged & enrolled_on(spans, member["member_id"], day)]
    since = add_months(pd.Series([day]), -12).iloc[0]
    visits = dental_visits(tables)
    recent = visits[(visits["service_date"] > since) & (visits["service_date"] <= day)]
    return pd.DataFrame(
        {
            "member_id": rows["member_id"],
            "excluded": excluded(tables, rows["member_id"], day.year),
            "met": rows["member_id"].isin(set(recent["member_id"])),
            "practice_id": attributed_practice(
                tables, rows["member_id"], pd.Series(day, index=rows.index)
            ),
        }
    ).reset_index(drop=True)


def rate(result: pd.DataFrame) -> float:
    """count(met) / count(in the denominator and not excluded)."""
    counted = result[~result["excluded"]]
    return float(counted["met"].mean()) if len(counted) else float("nan")
