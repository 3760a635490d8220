"""The pilot evaluation: did children at participating practices see a dentist after a
visit with their practice more often than children at similar practices that did not
take part?

The outcome is ``dental_after_pcp`` (non-utilizers on the programme start who saw a
dentist within 6 months of a visit with their practice). It is measured after the start
(programme start → as-of) and before it (the same window moved back by whole years, so
the seasons match and the windows do not overlap), at the participating practices and at
a comparison group chosen from the same selection: the practices that were in the
ranking's top list on the programme start (eligible for recruitment) but were not
recruited, for each participating practice the two of its county closest in panel size
(the county's other practices only when that pool runs short, and said so). The
difference-in-differences estimate is the ``treated × after`` coefficient of a linear
probability model; its interval allows for children of one practice being alike with the
small-sample correction of ``outreach.clustered`` (CR2 standard error, t distribution
with Satterthwaite degrees of freedom), since a pilot has few practices.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wellchild.core.dates import add_years_py
from wellchild.engines.base import Engine
from wellchild.errors import WellchildError
from wellchild.measures.context import Context, Period, Settings
from wellchild.measures.evaluate import denominator_rows
from wellchild.measures.registry import get
from wellchild.measures.summary import statistics, wilson
from wellchild.outreach.clustered import did_cr2
from wellchild.outreach.gaps import listed
from wellchild.outreach.rank import practices, rank_practices
from wellchild.outreach.referrals import STATUSES

COMPARISON_PER_PRACTICE = 2
TOP = 25  # the ranking's top list the pilot recruited from (``wellchild rank --top``)
ELIGIBLE = "top list, not recruited"
FALLBACK = "outside the top list (it ran short)"
GROUPS = ("participating", "comparison")
PERIODS = ("before", "after")
STRATA = ("language", "race_ethnicity")


@dataclass(frozen=True)
class Windows:
    """The programme window and the baseline window before it."""

    program_start: dt.date
    as_of: dt.date
    before_start: dt.date
    before_as_of: dt.date
    years_back: int


@dataclass(frozen=True)
class Evaluation:
    """Every table of the report."""

    windows: Windows
    practices: pd.DataFrame  # practice_id, name, county, panel, group
    rates: pd.DataFrame  # group × period: denominator, numerator, rate, CI
    did: dict[str, float]
    funnel: pd.DataFrame  # step, children
    accounting: pd.DataFrame  # line, children, statuses: every register row placed once
    strata: pd.DataFrame  # group, dimension, group value, counts, rate, CI (after)


def windows(program_start: dt.date, as_of: dt.date) -> Windows:
    """The baseline window: the programme window moved back by the fewest whole years
    that end it before the programme starts."""
    if as_of <= program_start:
        raise WellchildError(
            f"--as-of ({as_of}) must come after --program-start ({program_start})."
        )
    years = 1
    while add_years_py(as_of, -years) >= program_start:
        years += 1
    return Windows(
        program_start, as_of, add_years_py(program_start, -years), add_years_py(as_of, -years),
        years,
    )  # fmt: skip


def _context(engine: Engine, program_start: dt.date, as_of: dt.date) -> Context:
    period = Period(start=program_start, end=as_of, as_of=as_of, program_start=program_start)
    return Context(engine.inputs(), period, Settings.from_config(), cache=engine.cache)


def outcome(engine: Engine, program_start: dt.date, as_of: dt.date) -> pd.DataFrame:
    """``dental_after_pcp`` rows in the denominator and not excluded, with the child's
    language and race/ethnicity."""
    ctx = _context(engine, program_start, as_of)
    rows = denominator_rows(ctx, get("dental_after_pcp"))
    rows = rows.filter(~rows.excluded & rows.practice_id.notnull())
    m = ctx.inputs.member
    rows = rows.join(m, rows.member_id == m.member_id).select(
        rows.member_id, rows.practice_id, rows.met, m.language, m.race_ethnicity
    )
    frame: pd.DataFrame = engine.to_arrow(rows).to_pandas()
    return frame


def panels(engine: Engine, on: dt.date) -> pd.DataFrame:
    """Per practice on a day: children 1–5 assigned (panel) and non-utilizers among them,
    with the practice's name and county."""
    ctx = _context(engine, on, on)
    rows = denominator_rows(ctx, get("dental_12m"))
    rows = rows.filter(~rows.excluded & rows.practice_id.notnull())
    counts = rows.group_by("practice_id").aggregate(
        panel=rows.count(), non_utilizers=(~rows.met).sum()
    )
    sites = practices(ctx.inputs.provider)
    joined = sites.join(counts, "practice_id").select(sites, counts.panel, counts.non_utilizers)
    frame: pd.DataFrame = engine.to_arrow(joined).to_pandas()
    return frame


def non_utilizers(engine: Engine, on: dt.date, chosen: Sequence[str]) -> pd.DataFrame:
    """The cohort: the children the chosen practices' outreach folders built on ``on``
    name (``member_id``, ``practice_id``), found by the gap list's own rule."""
    return listed(engine, chosen, on)


ACCOUNT_STEPS = (
    "in the cohort, dated in the programme (counted in the flow)",
    "in the cohort, dated before the programme start or after the as-of date",
    "outside the cohort: the practice is not a participating practice",
    "outside the cohort: not on the practice's list at the programme start",
    "unknown child: not in the store",
)


def account(
    register: pd.DataFrame, cohort: pd.DataFrame, participating: Sequence[str],
    members: set[str], w: Windows,
) -> pd.DataFrame:  # fmt: skip
    """Where every recorded status went: each register row, and each child with a row,
    falls in exactly one line (``ACCOUNT_STEPS``), so the lines add up to the register."""
    pairs = set(zip(cohort["member_id"], cohort["practice_id"], strict=True))
    reg = register.reset_index(drop=True)
    in_window = reg["status_date"].map(
        lambda d: isinstance(d, dt.date) and w.program_start <= d <= w.as_of
    )
    kinds = []
    for member, practice, inside in zip(reg["member_id"], reg["practice_id"], in_window,
                                        strict=True):  # fmt: skip
        if member not in members:
            kinds.append(ACCOUNT_STEPS[4])
        elif practice not in participating:
            kinds.append(ACCOUNT_STEPS[2])
        elif (member, practice) not in pairs:
            kinds.append(ACCOUNT_STEPS[3])
        else:
            kinds.append(ACCOUNT_STEPS[0] if inside else ACCOUNT_STEPS[1])
    reg = reg.assign(line=kinds)

    def children(part: pd.DataFrame) -> int:
        return len(part[["member_id", "practice_id"]].drop_duplicates())

    out = [
        {"line": line, "children": children(part), "statuses": len(part)}
        for line in ACCOUNT_STEPS
        for part in [reg[reg["line"] == line]]
    ]
    out.append({"line": "every status recorded", "children": children(reg), "statuses": len(reg)})
    return pd.DataFrame(out, columns=["line", "children", "statuses"])


def comparison_group(
    sizes: pd.DataFrame, participating: Sequence[str], eligible: Sequence[str]
) -> pd.DataFrame:
    """``sizes`` with a ``group`` column (participating, comparison or none) and a
    ``matched`` column saying where each comparison practice came from.

    Participating practices were recruited from the ranking's top list (``eligible``),
    which favours practices with few dental visits partly by chance; comparison
    practices come from the same list, so regression to the mean moves both groups
    alike. For each participating practice (largest panel first), the
    ``COMPARISON_PER_PRACTICE`` eligible, non-recruited practices of its county closest
    in panel size, each used once; when the county's eligible pool runs short, the
    county's other practices by size, marked ``FALLBACK``."""
    t = sizes.assign(group="none", matched="")
    t.loc[t["practice_id"].isin(participating), "group"] = "participating"
    in_pool = t["practice_id"].isin(eligible)
    taken: dict[str, str] = {}
    for _, p in t[t["group"] == "participating"].sort_values("panel", ascending=False).iterrows():
        county = t[(t["group"] == "none") & (t["county_fips"] == p["county_fips"])]
        county = county[~county["practice_id"].isin(taken)]
        gap = (np.log(county["panel"]) - math.log(p["panel"])).abs()
        order = county.assign(_gap=gap, _outside=~in_pool[county.index]).sort_values(
            ["_outside", "_gap", "practice_id"]
        )
        for _, c in order.head(COMPARISON_PER_PRACTICE).iterrows():
            taken[c["practice_id"]] = FALLBACK if c["_outside"] else ELIGIBLE
    chosen = t["practice_id"].isin(taken)
    t.loc[chosen, "group"] = "comparison"
    t.loc[chosen, "matched"] = t.loc[chosen, "practice_id"].map(taken)
    return t


def eligible(engine: Engine, program_start: dt.date, counties: Sequence[str]) -> list[str]:
    """The practices eligible for recruitment on the programme start: the combined top
    ``TOP`` by number or share of non-utilizers, ranked within the participating
    practices' counties by the ranking's own code, as the pilot recruited."""
    ranking = rank_practices(engine, program_start, counties=sorted(set(counties)), top=TOP)
    return [str(p) for p in ranking.combined["practice_id"]]


def _rate_row(met: pd.Series) -> dict[str, float]:
    n, k = len(met), int(met.sum())
    low, high = wilson(np.array([k]), np.array([n]))
    return {"denominator": n, "numerator": k, "rate": k / n if n else np.nan,
            "ci_low": float(low[0]), "ci_high": float(high[0])}  # fmt: skip


def rates(rows: pd.DataFrame) -> pd.DataFrame:
    """The outcome per group and period, with Wilson 95% intervals."""
    out = []
    for group in GROUPS:
        for period in PERIODS:
            part = rows[(rows["group"] == group) & (rows["period"] == period)]
            out.append({"group": group, "period": period, **_rate_row(part["met"])})
    return pd.DataFrame(out)


def difference_in_differences(rows: pd.DataFrame) -> dict[str, float]:
    """DiD in proportion points with a 95% interval that allows for children of one
    practice being alike, made for few practices (CR2 standard error, t with
    Satterthwaite degrees of freedom: ``outreach.clustered``); NaN when the data cannot
    identify it (fewer than two practices in a group, or an empty cell)."""
    data = pd.DataFrame({
        "cluster": pd.factorize(rows["practice_id"])[0],
        "treated": (rows["group"] == "participating").astype(float),
        "after": (rows["period"] == "after").astype(float),
        "y": rows["met"].astype(float),
    })  # fmt: skip
    empty = {
        "estimate": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "df": np.nan,
        "practices": float(data["cluster"].nunique()),
        "children": float(len(data)),
    }
    cells = data.groupby(["treated", "after"]).size()
    per_group = data.groupby("treated")["cluster"].nunique()
    if len(cells) < 4 or per_group.min() < 2:
        return empty
    try:
        fit = did_cr2(data)
    except np.linalg.LinAlgError:  # one practice alone makes a group's change
        return empty
    low, high = fit.interval()
    return {**empty, "estimate": fit.estimate, "ci_low": float(low), "ci_high": float(high),
            "p_value": fit.p_value, "df": fit.df}  # fmt: skip


def funnel(
    gap_children: set[str],
    register: pd.DataFrame,
    participating: Sequence[str],
    after: pd.DataFrame,
) -> pd.DataFrame:
    """From the gap lists to a dental visit: register statuses (ever reached) and the
    claims-based outcome, for the children on the participating practices' lists."""
    reg = register[
        register["practice_id"].isin(participating) & register["member_id"].isin(gap_children)
    ]
    ever = {s: set(reg.loc[reg["status"] == s, "member_id"]) for s in STATUSES}
    reached = set(reg["member_id"])
    mine = after[after["member_id"].isin(gap_children) & (after["group"] == "participating")]
    steps = [
        ("on a gap list at the programme start (the cohort)", len(gap_children)),
        ("referral recorded (any status)", len(reached)),
        ("referral given", len(ever["given"])),
        ("appointment made", len(ever["appointment made"])),
        ("seen, as recorded by the practice", len(ever["seen"])),
        ("declined", len(ever["declined"])),
        ("unreachable", len(ever["unreachable"])),
        ("visit with the practice, 6-month follow-up complete", len(mine)),
        ("dental visit within 6 months of it (claims)", int(mine["met"].sum())),
    ]
    return pd.DataFrame(steps, columns=["step", "children"])


def strata(after: pd.DataFrame) -> pd.DataFrame:
    """The outcome after the start by language and race/ethnicity, per group, as counts
    in the summary's shape (``measure_id`` = group) so the suppression policy applies."""
    parts = []
    for group in GROUPS:
        rows = after[after["group"] == group]
        parts.append(pd.DataFrame([{"measure_id": group, "dimension": "total", "group": "all",
                                    "eligible": len(rows), "excluded": 0,
                                    "numerator": int(rows["met"].sum())}]))  # fmt: skip
        for dimension in STRATA:
            counts = rows.groupby(dimension)["met"].agg(["size", "sum"]).reset_index()
            parts.append(pd.DataFrame({
                "measure_id": group, "dimension": dimension, "group": counts[dimension],
                "eligible": counts["size"], "excluded": 0, "numerator": counts["sum"].astype(int),
            }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def evaluate(
    engine: Engine,
    program_start: dt.date,
    as_of: dt.date,
    participating: Sequence[str],
    register: pd.DataFrame,
) -> Evaluation:
    """Everything the report shows."""
    w = windows(program_start, as_of)
    sizes = panels(engine, program_start)
    unknown = sorted(set(participating) - set(sizes["practice_id"]))
    if unknown:
        raise WellchildError(
            f"{len(unknown)} participating practice(s) have no assigned child aged 1–5 on "
            f"{program_start}: {', '.join(unknown[:10])}.",
            hint="Check the practice ids in --practices against rank.csv.",
        )
    counties = sizes.loc[sizes["practice_id"].isin(participating), "county_fips"]
    pool = eligible(engine, program_start, [str(c) for c in counties])
    groups = comparison_group(sizes, participating, pool)
    which = groups.set_index("practice_id")["group"]
    after = outcome(engine, w.program_start, w.as_of).assign(period="after")
    before = outcome(engine, w.before_start, w.before_as_of).assign(period="before")
    rows = pd.concat([before, after], ignore_index=True)
    rows["group"] = rows["practice_id"].map(which).fillna("none")
    rows = rows[rows["group"].isin(GROUPS)]
    cohort = non_utilizers(engine, program_start, participating)
    gap_children = set(cohort["member_id"])
    members = engine.to_arrow(engine.inputs().member.select("member_id")).column("member_id")
    accounting = account(register, cohort, participating,
                         {str(m) for m in members.to_pylist()}, w)  # fmt: skip
    pairs = set(zip(cohort["member_id"], cohort["practice_id"], strict=True))
    keep = [
        (m, p) in pairs and isinstance(d, dt.date) and w.program_start <= d <= w.as_of
        for m, p, d in zip(register["member_id"], register["practice_id"],
                           register["status_date"], strict=True)
    ]  # fmt: skip
    counted = register[pd.Series(keep, index=register.index, dtype=bool)]
    return Evaluation(
        windows=w,
        practices=groups[groups["group"].isin(GROUPS)].reset_index(drop=True),
        rates=rates(rows),
        did=difference_in_differences(rows),
        funnel=funnel(gap_children, counted, participating, rows[rows["period"] == "after"]),
        accounting=accounting,
        strata=statistics(strata(rows[rows["period"] == "after"])),
    )
