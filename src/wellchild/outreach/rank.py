"""Rank primary care practices by their children 1–5 with no dental visit in 12 months.

The pilot recruited the practices with the most non-utilizers, by number and by share
of their assigned children aged 1–5 (``dental_12m`` not met). Both ranks are kept: a
big clinic tops the count, a small office with few visits tops the share. A share on a
small panel is mostly noise, so practices under ``min_panel`` children get no share
rank and are flagged, but stay in the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from wellchild.engines.base import Engine
from wellchild.measures.context import Context, Period, Settings
from wellchild.measures.evaluate import denominator_rows
from wellchild.measures.registry import get
from wellchild.measures.summary import SMALL_DENOMINATOR, wilson

OTHER_LANGUAGE = "other"


@dataclass(frozen=True)
class Ranking:
    """Every practice with its counts and ranks, and the combined top list."""

    as_of: dt.date
    counties: tuple[str, ...]
    languages: tuple[str, ...]
    top: int
    min_panel: int
    table: pd.DataFrame

    @property
    def combined(self) -> pd.DataFrame:
        """The practices in the top ``top`` by number or by share, best first."""
        return self.table[self.table["in_top"]].reset_index(drop=True)


def non_utilizer_rows(engine: Engine, as_of: dt.date) -> ir.Table:
    """``dental_12m`` rows of children in the denominator and not excluded, with the
    child's county and language: ``member_id, practice_id, met, county_fips, language``."""
    ctx = Context(engine.inputs(), Period.for_year(as_of.year, as_of=as_of), Settings.from_config())
    rows = denominator_rows(ctx, get("dental_12m"))
    rows = rows.filter(~rows.excluded)
    m = ctx.inputs.member
    return rows.join(m, rows.member_id == m.member_id).select(
        rows.member_id, rows.practice_id, rows.met, m.county_fips, m.language
    )


def practices(provider: ir.Table) -> ir.Table:
    """One row per primary care practice: id, name, county, city, phone (the first
    primary care row of each practice, by NPI, so the choice is repeatable)."""
    p = provider.filter(provider.kind.isin(["pcp", "clinic"]))
    first = p.mutate(
        _n=ibis.row_number().over(group_by=p.practice_id, order_by=[p.county_fips, p.npi])
    )
    return first.filter(first._n == 0).select(
        "practice_id", "practice_name", "county_fips", "city", "phone"
    )


def rank_practices(
    engine: Engine,
    as_of: dt.date,
    *,
    counties: Sequence[str] = (),
    languages: Sequence[str] = (),
    top: int = 25,
    min_panel: int = SMALL_DENOMINATOR,
) -> Ranking:
    """Rank the practices located in ``counties`` (all when empty) as of ``as_of``.

    ``languages`` are the threshold languages whose share of non-utilizing families is
    shown, one column each (``lang_<tag>``); the rest are counted as ``lang_other``.
    """
    rows = non_utilizer_rows(engine, as_of)
    rows = rows.filter(rows.practice_id.notnull())
    by_language = rows.group_by(["practice_id", "language"]).aggregate(
        panel=rows.count(), non_utilizers=(~rows.met).sum()
    )
    counts = engine.to_arrow(by_language).to_pandas()
    sites = engine.to_arrow(practices(engine.inputs().provider)).to_pandas()
    if counties:
        sites = sites[sites["county_fips"].isin(list(counties))]
    counts = counts[counts["practice_id"].isin(sites["practice_id"])]
    table = _table(counts, sites, tuple(languages), top=top, min_panel=min_panel)
    return Ranking(as_of, tuple(counties), tuple(languages), top, min_panel, table)


def _table(
    counts: pd.DataFrame,
    sites: pd.DataFrame,
    languages: tuple[str, ...],
    *,
    top: int,
    min_panel: int,
) -> pd.DataFrame:
    totals = counts.groupby("practice_id", as_index=False)[["panel", "non_utilizers"]].sum()
    t = sites.merge(totals, on="practice_id", how="inner")
    t["panel"] = t["panel"].astype(int)
    t["non_utilizers"] = t["non_utilizers"].astype(int)
    t["share"] = t["non_utilizers"] / t["panel"]
    low, high = wilson(t["non_utilizers"].to_numpy(), t["panel"].to_numpy())
    t["share_ci_low"], t["share_ci_high"] = low, high
    t["small_panel"] = t["panel"] < min_panel
    t["rank_number"] = t["non_utilizers"].rank(method="min", ascending=False).astype(int)
    eligible = t["share"].where(~t["small_panel"])
    t["rank_share"] = eligible.rank(method="min", ascending=False).astype("Int64")
    share_rank = t["rank_share"].astype(float).fillna(np.inf)
    t["in_top"] = (t["rank_number"] <= top) | (share_rank <= top)
    t = t.join(_language_shares(counts, languages), on="practice_id")
    # Best of the two ranks first, then the count: the pilot's "most, by number and share".
    t["_best"] = np.minimum(t["rank_number"], share_rank)
    t = t.sort_values(["_best", "non_utilizers", "practice_id"], ascending=[True, False, True])
    return t.drop(columns="_best").reset_index(drop=True)


def _language_shares(counts: pd.DataFrame, languages: tuple[str, ...]) -> pd.DataFrame:
    """Share of each practice's non-utilizers by family language (``lang_<tag>``)."""
    lang = counts["language"].where(counts["language"].isin(languages), OTHER_LANGUAGE)
    wide = (
        counts.assign(language=lang)
        .pivot_table(
            index="practice_id",
            columns="language",
            values="non_utilizers",
            aggfunc="sum",
            fill_value=0,
        )
        .reindex(columns=[*languages, OTHER_LANGUAGE], fill_value=0)
    )
    total = wide.sum(axis=1).replace(0, np.nan)
    shares = wide.div(total, axis=0)
    shares.columns = [f"lang_{c}" for c in shares.columns]
    return shares
