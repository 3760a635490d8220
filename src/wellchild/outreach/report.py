"""The downloadable evaluation report: HTML (charts inline as SVG) and PDF (Typst), with
the tables as CSV beside them.

A report marked public applies the small-cell policy of MEASURES.md everywhere: counts
from 1 to 10 are blanked, so is any rate whose numerator or non-numerator is from 1 to
10, the strata get complementary suppression (``measures.suppression.publish``), and the
difference-in-differences estimate is withheld when any of its four cells is small.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from wellchild.documents.catalogue import catalogue
from wellchild.documents.typeset import language_data, write
from wellchild.measures.suppression import SMALL, publish
from wellchild.outreach.evaluation import Evaluation
from wellchild.qi.render import FONT, require_altair
from wellchild.rounding import percent_text

NOTE = (
    "Quality-improvement evaluation on the data loaded; the outcome is dental_after_pcp "
    "(version 2019 of the pilot's definition). Intervals are 95% Wilson intervals; the "
    "difference-in-differences is a linear probability model with standard errors "
    "clustered by practice."
)


@dataclass(frozen=True)
class Tables:
    """The report's tables as shown (suppressed when public)."""

    rates: pd.DataFrame
    did: dict[str, float]
    funnel: pd.DataFrame
    strata: pd.DataFrame
    practices: pd.DataFrame
    public: bool


def _small(values: pd.Series) -> pd.Series:
    return values.astype(float).isin([float(v) for v in SMALL])


def tables(ev: Evaluation, *, public: bool) -> Tables:
    """The tables to show; with ``public`` the small-cell policy is applied."""
    rates = ev.rates.copy()
    strata = ev.strata
    funnel = ev.funnel.copy()
    did = dict(ev.did)
    practices = ev.practices[["practice_id", "practice_name", "county_fips", "panel", "group"]]
    if public:
        hide_rate = _small(rates["numerator"]) | _small(rates["denominator"] - rates["numerator"])
        for column in ("denominator", "numerator"):
            rates[column] = rates[column].astype("Int64").mask(_small(rates[column]))
        for column in ("rate", "ci_low", "ci_high"):
            rates[column] = rates[column].mask(hide_rate)
        if bool(hide_rate.any()):
            did = {k: (np.nan if k in {"estimate", "ci_low", "ci_high", "p_value"} else v)
                   for k, v in did.items()}  # fmt: skip
        funnel["children"] = funnel["children"].astype("Int64").mask(_small(funnel["children"]))
        strata = publish(strata)
        practices = practices.drop(columns=["panel"])
    return Tables(rates, did, funnel, strata, practices, public)


def rate_chart(t: Tables) -> dict[str, Any]:
    """Outcome before and after, per group, with intervals (a Vega-Lite spec)."""
    import altair as alt

    data = t.rates.dropna(subset=["rate"])
    order = ["participating", "comparison"]
    colour = alt.Color(
        "group:N",
        sort=order,
        title=None,
        scale=alt.Scale(domain=order, range=["#1f5f99", "#F58518"]),
    )
    bars = (
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("group:N", sort=order, title=None, axis=alt.Axis(labels=False, ticks=False)),
            y=alt.Y("rate:Q", title="Dental visit within 6 months", axis=alt.Axis(format="%")),
            color=colour,
        )
    )
    rules = (
        alt.Chart()
        .mark_rule(color="black")
        .encode(x=alt.X("group:N", sort=order, bandPosition=0.5), y="ci_low:Q", y2="ci_high:Q")
    )
    chart = (
        alt.layer(bars, rules, data=data)
        .properties(width=150, height=220)
        .facet(column=alt.Column("period:N", sort=["before", "after"], title=None))
        .properties(title="Outcome before and after the programme start (95% CI)")
    )  # fmt: skip
    spec: dict[str, Any] = chart.configure(font=FONT).to_dict()
    return spec


def funnel_chart(t: Tables) -> dict[str, Any]:
    """The referral funnel as horizontal bars (a Vega-Lite spec)."""
    import altair as alt

    data = t.funnel.dropna(subset=["children"]).astype({"children": int})
    chart = (
        alt.Chart(data)
        .mark_bar(color="#1f5f99")
        .encode(
            y=alt.Y(
                "step:N", sort=list(t.funnel["step"]), title=None, axis=alt.Axis(labelLimit=360)
            ),
            x=alt.X("children:Q", title="Children"),
        )
        .properties(width=300, height=22 * len(data), title="Referral funnel")
    )
    spec: dict[str, Any] = chart.configure(font=FONT).to_dict()
    return spec


def _svg(spec: dict[str, Any]) -> str:
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec))


def _fmt(value: object, kind: str = "") -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if kind == "%" and isinstance(value, int | float):
        return f"{percent_text(value)}%"
    if kind == "pp" and isinstance(value, int | float):
        return f"{'-' if value < 0 else '+'}{percent_text(abs(value))} points"
    return f"{value:,}" if isinstance(value, int | np.integer) else str(value)


def _rate_rows(t: Tables) -> list[list[str]]:
    return [
        [str(r.group), str(r.period), _fmt(r.denominator), _fmt(r.numerator), _fmt(r.rate, "%"),
         f"{_fmt(r.ci_low, '%')} – {_fmt(r.ci_high, '%')}"]
        for r in t.rates.itertuples()
    ]  # fmt: skip


def _strata_rows(t: Tables) -> list[list[str]]:
    s = t.strata[t.strata["dimension"] != "total"]
    return [
        [str(r.measure_id), str(r.dimension).replace("_", "/"), str(r.group), _fmt(r.denominator),
         _fmt(r.numerator), _fmt(r.rate, "%")]
        for r in s.itertuples()
    ]  # fmt: skip


def _did_line(t: Tables) -> str:
    d = t.did
    if np.isnan(d["estimate"]):
        return (
            "Difference-in-differences: not shown (too few practices or children, or small cells)."
        )
    return (
        f"Difference-in-differences (participating minus comparison, after minus before): "
        f"{_fmt(d['estimate'], 'pp')} (95% CI {_fmt(d['ci_low'], 'pp')} to "
        f"{_fmt(d['ci_high'], 'pp')}; p = {d['p_value']:.3f}; {int(d['practices'])} practices, "
        f"{int(d['children'])} child-periods)."
    )


def _table_html(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


RATE_HEAD = ["group", "period", "children", "dental visit", "rate", "95% CI"]
STRATA_HEAD = ["group", "by", "value", "children", "dental visit", "rate"]


def _summary(ev: Evaluation, t: Tables) -> list[str]:
    w = ev.windows
    return [
        f"Programme: {w.program_start} to {w.as_of}; baseline: {w.before_start} to "
        f"{w.before_as_of} (the same window {w.years_back} year(s) earlier).",
        f"Participating practices: {int((ev.practices['group'] == 'participating').sum())}; "
        f"comparison practices (same county, closest panel size): "
        f"{int((ev.practices['group'] == 'comparison').sum())}.",
        f"Children reached (on a participating practice's gap list at the start): "
        f"{_fmt(t.funnel['children'].iloc[0])}.",
        _did_line(t),
    ]


def write_html(ev: Evaluation, t: Tables, path: Path, charts: dict[str, str]) -> Path:
    title = "Medical–dental pilot evaluation" + (" (public)" if t.public else "")
    parts = [f"<h1>{html.escape(title)}</h1>"]
    parts += [f"<p>{html.escape(line)}</p>" for line in _summary(ev, t)]
    parts += ["<h2>Outcome before and after</h2>", charts["rates"],
              _table_html(RATE_HEAD, _rate_rows(t)),
              "<h2>Referral funnel</h2>", charts["funnel"],
              _table_html(["step", "children"],
                          [[str(s), _fmt(c)] for s, c in zip(t.funnel["step"],
                                                             t.funnel["children"],
                                                             strict=True)]),
              "<h2>After the start, by language and race/ethnicity</h2>",
              _table_html(STRATA_HEAD, _strata_rows(t)),
              "<h2>Practices</h2>",
              _table_html(list(t.practices.columns),
                          [[_fmt(v) for v in row] for row in t.practices.itertuples(index=False)]),
              f"<p class='note'>{html.escape(NOTE)}</p>"]  # fmt: skip
    style = (
        "body{font-family:'Noto Sans',sans-serif;max-width:60rem;margin:2rem auto;color:#222}"
        "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #bbb;"
        "padding:.25rem .5rem;text-align:left}th{background:#ddebf7}.note{font-size:.85rem}"
    )
    path.write_text(
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n",
        encoding="utf-8",
    )
    return path


def write_pdf(ev: Evaluation, t: Tables, path: Path, charts: dict[str, str]) -> Path:
    data = {
        **language_data(catalogue("en")),
        "title": "Medical–dental pilot evaluation" + (" (public)" if t.public else ""),
        "footer": "wellchild · " + ("public: small cells suppressed" if t.public else
                                    "internal: contains small cells, do not publish"),
        "summary": _summary(ev, t),
        "rate_head": RATE_HEAD, "rates": _rate_rows(t),
        "funnel": [[str(s), _fmt(c)] for s, c in zip(t.funnel["step"], t.funnel["children"],
                                                     strict=True)],
        "strata_head": STRATA_HEAD, "strata": _strata_rows(t),
        "charts": charts, "note": NOTE,
    }  # fmt: skip
    return write("evaluation", data, path)


def write_report(ev: Evaluation, out: Path, *, public: bool) -> dict[str, Path]:
    """Write the report (HTML, PDF), its charts (SVG) and tables (CSV) to ``out``."""
    require_altair()
    t = tables(ev, public=public)
    out.mkdir(parents=True, exist_ok=True)
    charts = {"rates": _svg(rate_chart(t)), "funnel": _svg(funnel_chart(t))}
    files = {}
    for name, svg in charts.items():
        files[f"{name}.svg"] = out / f"chart-{name}.svg"
        files[f"{name}.svg"].write_text(svg, encoding="utf-8")
    for name, frame in (("rates", t.rates), ("funnel", t.funnel), ("strata", t.strata),
                        ("practices", t.practices),
                        ("did", pd.DataFrame([t.did]))):  # fmt: skip
        files[f"{name}.csv"] = out / f"{name}.csv"
        frame.to_csv(files[f"{name}.csv"], index=False, float_format="%.6g")
    files["html"] = write_html(ev, t, out / "evaluation.html", charts)
    files["pdf"] = write_pdf(ev, t, out / "evaluation.pdf", charts)
    return files
