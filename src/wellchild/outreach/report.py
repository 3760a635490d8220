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

from wellchild.documents.catalogue import catalogue, language_name
from wellchild.documents.typeset import language_data, write
from wellchild.drawing import FONT, require_altair
from wellchild.geography import regions
from wellchild.measures.suppression import primary, publish
from wellchild.outreach.evaluation import FALLBACK, TOP, Evaluation
from wellchild.rounding import percent_text

NOTE = (
    "Quality-improvement evaluation on the data loaded; the outcome is dental_after_pcp "
    "(version 2019 of the pilot's definition). Intervals are 95% Wilson intervals; the "
    "difference-in-differences is a linear probability model; its interval allows for "
    "children of one practice being alike with the small-sample correction for few "
    "practices (CR2 standard errors clustered by practice, t distribution with "
    "Satterthwaite degrees of freedom). Results by language and race/ethnicity are "
    "small-cell suppressed (counts from 1 to 10, and what would reveal them, shown as –)."
)
# Below this many practices the report cautions that the estimate rests on few practices.
# The interval is corrected for few practices, yet in 80 synthetic pilots with no effect
# and 24 to 27 practices it covered 0 in 71 (docs/synth.md): still a little narrow there.
FEW_PRACTICES = 50
REGISTER_STEPS = 6  # funnel lines 2–7 come from the register


@dataclass(frozen=True)
class Tables:
    """The report's tables as shown (suppressed when public)."""

    rates: pd.DataFrame
    did: dict[str, float]
    funnel: pd.DataFrame
    strata: pd.DataFrame
    practices: pd.DataFrame
    accounting: pd.DataFrame
    public: bool
    statuses: int  # status rows recorded in the register (0: nothing recorded yet)


def _small(values: pd.Series) -> pd.Series:
    """Counts the small-cell policy hides on their own (its ``primary`` rule)."""
    counts = pd.DataFrame({"denominator": values.fillna(0).astype(int), "numerator": 0})
    return primary(counts)["denominator"]


def tables(ev: Evaluation, *, public: bool) -> Tables:
    """The tables to show. Results by language and race/ethnicity are always suppressed
    as on the hub; with ``public`` the small-cell policy applies everywhere."""
    rates = ev.rates.copy()
    strata = publish(ev.strata)
    funnel = ev.funnel.copy()
    accounting = ev.accounting.copy()
    did = dict(ev.did)
    practices = ev.practices[
        ["practice_id", "practice_name", "county_fips", "panel", "group", "matched"]
    ]
    statuses = int(accounting["statuses"].iloc[-1])
    if statuses == 0:
        funnel["children"] = funnel["children"].astype("Int64")
        funnel.loc[1:REGISTER_STEPS, "children"] = pd.NA
    if public:
        hidden = primary(rates[["denominator", "numerator"]].astype(int))
        hide_rate = hidden["numerator"]
        for column in ("denominator", "numerator"):
            rates[column] = rates[column].astype("Int64").mask(hidden[column])
        for column in ("rate", "ci_low", "ci_high"):
            rates[column] = rates[column].mask(hide_rate)
        if bool(hide_rate.any()):
            did = {k: (np.nan if k in {"estimate", "ci_low", "ci_high", "p_value"} else v)
                   for k, v in did.items()}  # fmt: skip
        funnel["children"] = funnel["children"].astype("Int64").mask(_small(funnel["children"]))
        for column in ("children", "statuses"):
            accounting[column] = accounting[column].astype("Int64").mask(_small(accounting[column]))
        practices = practices.drop(columns=["panel"])
    return Tables(rates, did, funnel, strata, practices, accounting, public, statuses)


def rate_chart(t: Tables) -> dict[str, Any]:
    """Outcome before and after, per group, with intervals (a Vega-Lite spec)."""
    # Altair is slow to import; only charts need it
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
    # Altair is slow to import; only charts need it
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
        .properties(width=300, height=22 * len(data), title="Cohort flow")
    )
    spec: dict[str, Any] = chart.configure(font=FONT).to_dict()
    return spec


def _svg(spec: dict[str, Any]) -> str:
    # the Vega renderer is loaded only when a chart is drawn
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec))


def _fmt(value: object, kind: str = "") -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if kind == "%" and isinstance(value, int | float):
        return f"{percent_text(value)}%"
    if kind == "pp" and isinstance(value, int | float):
        sign = "\u2212" if value < 0 else "+"
        return f"{sign}{percent_text(abs(value))} points"
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
        [str(r.measure_id), str(r.dimension).replace("_", "/"),
         language_name(str(r.group), "en") if r.dimension == "language" else str(r.group),
         _fmt(r.denominator),
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
        f"{_fmt(d['ci_high'], 'pp')}; "
        + ("p < 0.001" if d["p_value"] < 0.001 else f"p = {d['p_value']:.3f}")
        + f"; {int(d['practices'])} practices, "
        f"{int(d['children'])} child-periods, {d['df']:.1f} degrees of freedom)."
    )


def _count(value: object) -> str:
    """A count in a sentence: a suppressed one says so."""
    return "1 to 10" if value is None or value is pd.NA or value != value else f"{int(value):,}"  # type: ignore[call-overload]


def _many(n: int, noun: str) -> str:
    """``n`` and the noun, plural when it should be: "a year", "3 practices"."""
    if n == 1:
        return f"a {noun}" if noun[0] not in "aeiou" else f"an {noun}"
    return f"{n:,} {noun}s"


def _share(value: object) -> str:
    if value is None or value is pd.NA or value != value:
        return "a share not shown (small numbers)"
    return f"{float(value):.0%}"  # type: ignore[arg-type]


def _short(fallback: int) -> str:
    """What the summary says when the eligible pool ran short."""
    if fallback == 0:
        return ""
    return (
        f"; that list ran short, so {_many(fallback, 'comparison practice')} "
        f"{'was' if fallback == 1 else 'were'} taken from the county's other practices by "
        "size, which were not selected the same way"
    )


def summary(ev: Evaluation, t: Tables) -> list[str]:
    """The first page in words: what was done, whom it reached, and the outcome against
    the comparison group, with the caveats a reader needs."""
    w = ev.windows
    who = ev.practices[ev.practices["group"] == "participating"]
    compared = int((ev.practices["group"] == "comparison").sum())
    fallback = int((ev.practices["matched"] == FALLBACK).sum())
    f = t.funnel.set_index("step")["children"]
    steps = list(t.funnel["step"])
    cohort = _count(f[steps[0]])
    names = ", ".join(who["practice_name"].astype(str))
    lines = [
        f"What was done. From {w.program_start} to {w.as_of}, "
        f"{_many(len(who), 'primary care practice')} took part in the medical–dental pilot "
        f"({names}). On the programme "
        f"start each was given the names of its children aged 1–5 with no dental visit in "
        f"the 12 months before — {cohort} children, the cohort this report follows — with "
        "a referral form and a brochure in each family's language, to call the families "
        "and refer the children to a dentist.",
    ]
    if t.statuses == 0:
        lines.append(
            "Reached, referred, seen. No referral statuses have been recorded yet, so how "
            "many families were reached, referred and seen is not known; the register's "
            "lines of the cohort flow are left empty rather than shown as zeros. The "
            "dental visits below come from claims."
        )
    else:
        lines.append(
            f"Reached, referred, seen. The practices recorded a status for "
            f"{_count(f[steps[1]])} of the cohort: {_count(f[steps[2]])} were given a "
            f"referral, {_count(f[steps[3]])} made an appointment and {_count(f[steps[4]])} "
            f"were seen by a dentist by the practices' account; {_count(f[steps[5]])} "
            f"declined and {_count(f[steps[6]])} could not be reached."
        )
    lines[-1] += (
        f" Of the {_count(f[steps[7]])} cohort children with a visit to their practice whose "
        f"6-month follow-up had ended by {w.as_of}, {_count(f[steps[8]])} saw a dentist "
        "within 6 months of it, by the claims."
    )
    r = t.rates.set_index(["group", "period"])["rate"]
    d = t.did
    outcome = (
        f"The outcome. After the programme start, {_share(r['participating', 'after'])} of "
        f"children with a visit at the participating practices saw a dentist within 6 "
        f"months, against {_share(r['comparison', 'after'])} at {compared} comparison "
        f"practices: practices of the same counties that were, like them, in the "
        f"ranking's top {TOP} on the programme start but were not recruited, those "
        f"closest in panel size{_short(fallback)} (in the same "
        f"months {_many(w.years_back, 'year')} earlier: {_share(r['participating', 'before'])} "
        f"and {_share(r['comparison', 'before'])}). "
    )
    if np.isnan(d["estimate"]):
        outcome += (
            "The difference-in-differences cannot be given: too few practices or "
            "children, or cells too small to publish."
        )
    else:
        outcome += (
            f"Taking the change at the comparison practices away from the change at the "
            f"participating ones, the programme's difference is {_fmt(d['estimate'], 'pp')} "
            f"(95% interval {_fmt(d['ci_low'], 'pp')} to {_fmt(d['ci_high'], 'pp')}, "
            "allowing for children of one practice being alike)."
        )
    lines.append(outcome)
    practices = int(d["practices"])
    if practices < FEW_PRACTICES:
        lines.append(
            f"Caution. The estimate rests on {practices} practices. The interval is "
            "corrected for so few, yet still a little narrow: in synthetic populations with "
            "no effect at all and 24 to 27 practices, it excluded zero in 9 of 80 trials, "
            "where a 95% interval should in about 4. One practice can move the result: read the "
            "difference as a direction to confirm, not a measured effect. The practices "
            "chose to take part, so their families may differ from the comparison group's "
            "in ways the data do not show."
        )
    if t.statuses == 0:
        return lines
    a = t.accounting.set_index("line")
    window, elsewhere, unlisted = (_count(v) for v in a.iloc[1:4]["statuses"])
    lines.append(
        f"Every status counted. Of the {_count(a['statuses'].iloc[-1])} status rows "
        f"recorded, {_count(a['statuses'].iloc[0])} belong to cohort children in the "
        f"programme window and count in the flow; {window} are dated outside the window, "
        f"{elsewhere} were recorded at a practice not taking part, {unlisted} are for "
        f"children not on the list at the start, and {_count(a['statuses'].iloc[4])} name "
        "no child in the store. The table 'Where every recorded status went' gives each line."
    )
    return lines


def _details(ev: Evaluation, t: Tables) -> list[str]:
    w = ev.windows
    return [
        f"Programme: {w.program_start} to {w.as_of}; baseline: {w.before_start} to "
        f"{w.before_as_of} (the same window {_many(w.years_back, 'year')} earlier).",
        _did_line(t),
    ]


def _table_html(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


RATE_HEAD = ["group", "period", "children", "dental visit", "rate", "95% CI"]
STRATA_HEAD = ["group", "by", "value", "children", "dental visit", "rate"]
PRACTICE_HEAD = {"practice_id": "id", "practice_name": "practice", "county_fips": "county",
                 "panel": "children 1–5", "group": "group",
                 "matched": "chosen from"}  # fmt: skip
ACCOUNT_HEAD = ["where the status went", "children", "status rows"]
NO_STATUS = "No referral status has been recorded yet (wellchild referrals import)."
FLOW_NOTE = (
    "The cohort is the children named on the participating practices' gap lists on the "
    "programme start. The register's lines count statuses dated from the programme "
    "start to the as-of date; '–' is a count not recorded or not shown."
)


def _sections(ev: Evaluation, t: Tables) -> dict[str, Any]:
    region = regions.region()
    practices = t.practices.sort_values(["group", "practice_name"], ascending=[False, True])
    practices["county_fips"] = [
        region.counties[c].name if c in region.counties else c for c in practices["county_fips"]
    ]
    return {
        "summary": summary(ev, t),
        "details": _details(ev, t),
        "rate_head": RATE_HEAD, "rates": _rate_rows(t),
        "funnel": [[str(s), _fmt(c)] for s, c in zip(t.funnel["step"], t.funnel["children"],
                                                     strict=True)],
        "flow_note": FLOW_NOTE,
        "account_head": ACCOUNT_HEAD,
        "statuses": t.statuses,
        "accounting": [[str(r.line), _fmt(r.children), _fmt(r.statuses)]
                       for r in t.accounting.itertuples()],
        "strata_head": STRATA_HEAD, "strata": _strata_rows(t),
        "practice_head": [PRACTICE_HEAD[c] for c in practices.columns],
        "practices": [[_fmt(v) for v in row] for row in practices.itertuples(index=False)],
        "note": NOTE,
        "no_status": NO_STATUS,
    }  # fmt: skip


def write_html(ev: Evaluation, t: Tables, path: Path, charts: dict[str, str]) -> Path:
    title = "Medical–dental pilot evaluation" + (" (public)" if t.public else "")
    d = _sections(ev, t)
    parts = [f"<h1>{html.escape(title)}</h1>", "<h2>Summary</h2>"]
    for line in d["summary"]:
        head, _, rest = line.partition(". ")
        parts.append(f"<p><strong>{html.escape(head)}.</strong> {html.escape(rest)}</p>")
    parts += ["<h2>Cohort flow</h2>", charts["funnel"],
              _table_html(["step", "children"], d["funnel"]),
              f"<p class='note'>{html.escape(FLOW_NOTE)}</p>",
              "<h2>Where every recorded status went</h2>",
              _table_html(ACCOUNT_HEAD, d["accounting"]) if t.statuses else
              f"<p>{html.escape(NO_STATUS)}</p>",
              "<h2>Outcome before and after</h2>", charts["rates"],
              _table_html(RATE_HEAD, d["rates"]),
              *(f"<p>{html.escape(line)}</p>" for line in d["details"]),
              "<h2>After the start, by language and race/ethnicity</h2>",
              _table_html(STRATA_HEAD, d["strata"]),
              "<h2>Practices</h2>",
              _table_html(d["practice_head"], d["practices"]),
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
        **_sections(ev, t),
        "charts": charts,
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
                        ("practices", t.practices), ("accounting", t.accounting),
                        ("did", pd.DataFrame([t.did]))):  # fmt: skip
        files[f"{name}.csv"] = out / f"{name}.csv"
        frame.to_csv(files[f"{name}.csv"], index=False, float_format="%.6g")
    files["html"] = write_html(ev, t, out / "evaluation.html", charts)
    files["pdf"] = write_pdf(ev, t, out / "evaluation.pdf", charts)
    return files
