"""``wellchild demo``: the whole pipeline on a synthetic population, end to end.

Each stage adds its step here, so a new user sees everything the product does with one
command and is told where every output is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from rich.console import Console
from rich.table import Table

from wellchild import qi
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.engines.duckdb_store import open_store
from wellchild.fhir import demo as interop_demo
from wellchild.measures import runfolder
from wellchild.measures.context import Period
from wellchild.measures.display import measure_table
from wellchild.measures.registry import all_measures, get
from wellchild.measures.run import NOT_HEDIS, run_measures
from wellchild.measures.series import Scope, series_by
from wellchild.outreach import demo as outreach_demo
from wellchild.outreach.synthetic_pilot import plant_pilot
from wellchild.synth import generate

if TYPE_CHECKING:
    from wellchild.hub.demo import Published

DEMO_SEED = 20240601
LOS_ANGELES = "06037"


def demo_year(today: dt.date | None = None) -> int:
    """The last complete calendar year: every measure then has its whole period."""
    return (today or dt.date.today()).year - 1


def pilot_practices(children: int) -> int:
    """The practices the demo's pilot recruits: 9, as the Los Angeles pilot did (of 25),
    fewer in a small population, where the comparison group needs two per practice."""
    return max(3, min(9, children // 2000))


def run_demo(out: Path, *, children: int, console: Console) -> None:
    """Generate, load and summarise a synthetic population under ``out``."""
    year = demo_year()
    out.mkdir(parents=True, exist_ok=True)
    inputs = out / "input"
    db = out / "wellchild.duckdb"

    console.rule(f"1. Synthetic population: {children:,} children, measurement year {year}")
    result = generate(inputs, children=children, seed=DEMO_SEED, year=year, fmt="csv")
    console.print(f"Wrote {sum(result.rows.values()):,} rows to {inputs}")
    # The population carries the medical–dental pilot from 1 January: step 5 follows it.
    pilot = plant_pilot(result, practices=pilot_practices(children), start=dt.date(year, 1, 1))
    console.print(pilot.summary())

    console.rule("2. Load: check every file against the contract, then load all or nothing")
    loaded = load_folder(inputs, db)
    warned = sum(p.count for p in loaded.report.warnings)
    console.print(
        f"Loaded into {db} in {loaded.seconds:.1f} s; {warned:,} warnings counted "
        "(`wellchild status` lists them)."
    )

    with open_store(db) as store:
        status = store.status()
    table = Table(title="What is loaded", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for t in status.tables:
        table.add_row(t.name, f"{t.rows:,}")
    console.print(table)

    measures = out / f"measures-{year}"
    summary = _measure(db, year, measures, console)
    charts = _qi_charts(db, year, out / "qi", summary, console)

    console.rule("5. The medical–dental pilot: rank practices, outreach folders, evaluation")
    charts.update(outreach_demo.run(db, year, out / "pilot", console, pilot=pilot.folder))

    console.rule("6. Hub: the learning community's website, demo content, the run published")
    # the hub's modules need Django set up first
    from wellchild.hub.demo import add_resource, prepare

    prepare(out / "hub", console=console)
    published = _publish(measures, out / "pilot" / "portal", db, year, console)
    slug = add_resource(
        f"Medical–dental pilot evaluation, {year} (synthetic demo)",
        f"Did children at the {len(pilot.practices)} practices that worked their dental gap "
        f"lists see a dentist after a visit more often than at comparison practices? "
        "Rates before and after, the difference-in-differences with its interval, the "
        "referral flow. Synthetic data.",
        charts["Evaluation (PDF)"],
        tags=("dental",),
    )
    console.print(f"Hub library: the pilot's evaluation report at /resources/{slug}/")

    console.rule("7. FHIR in and out, and linkage without a shared id")
    charts.update(interop_demo.run(out / "interop", year, console))

    console.rule("Outputs")
    console.print(f"Synthetic input files: {inputs.resolve()}")
    console.print(f"Store (DuckDB):        {db.resolve()}")
    console.print(f"Measures, long table:  {(measures / runfolder.LONG).resolve()}")
    console.print(f"Measures, summary:     {(measures / runfolder.SUMMARY).resolve()}")
    for label, path in charts.items():
        console.print(f"{label + ':':<22} {path.resolve()}")
    console.print(f"Try: wellchild status --db {db}")
    console.print(
        f"Hub (after `make demo`, at http://127.0.0.1:8000): dashboards /data/runs/"
        f"{published.slug}/, practice portal /practice/ signed in as {published.nurse}"
    )


def _publish(measures: Path, outreach: Path, db: Path, year: int, console: Console) -> Published:
    """Put the measure run on the hub: suppressed rates and monthly series on the public
    dashboards, the outreach folders' gap lists in the practice portal."""
    # the hub's modules need Django set up first
    from wellchild.hub.demo import publish_demo

    published = publish_demo(measures, outreach_dir=outreach, db=db, label=f"MY{year} (demo)")
    console.print(
        f"Published the {year} run as {published.label!r}: public dashboards at "
        f"/data/runs/{published.slug}/ (counts from 1 to 10 suppressed)."
    )
    console.print(
        f"Practice portal: sign in as {published.nurse} (password wellchild-demo) to work "
        f"the gap list of {published.practice}."
    )
    return published


def _measure(db: Path, year: int, out: Path, console: Console) -> pd.DataFrame:
    """Run every measure with the year before as the baseline and show the totals."""
    count = len(all_measures())
    console.rule(f"3. Measures: the {count} measures for {year}, with {year - 1} as the baseline")
    engine = DuckDBEngine.open(db)
    try:
        run = run_measures(
            engine, Period.for_year(year), out=out, baseline=Period.for_year(year - 1)
        )
    finally:
        engine.close()
    console.print(measure_table(run.summary, baseline=True))
    console.print(f"{NOT_HEDIS} Took {run.seconds:.1f} s.")
    return run.summary


def _qi_charts(
    db: Path, year: int, out: Path, summary: pd.DataFrame, console: Console
) -> dict[str, Path]:
    """A p′ chart of wcv_6m month by month for Los Angeles County, and a run chart of the
    same measure for the practice with the most children in it."""
    console.rule("4. QI charts: wcv_6m month by month (rolling 12-month windows)")
    practices = summary[(summary["measure_id"] == "wcv_6m") & (summary["dimension"] == "practice")]
    practices = practices[practices["group"] != "(unattributed)"]
    practice = str(practices.sort_values(["denominator", "group"]).iloc[-1]["group"])
    first, last = dt.date(year - 1, 1, 1), dt.date(year, 12, 1)
    out.mkdir(parents=True, exist_ok=True)
    charts: dict[str, Path] = {}
    engine = DuckDBEngine.open(db)
    try:
        # Both charts' series from one query: the county's and the practice's groups.
        groups = series_by(engine, get("wcv_6m"), first, last, by=("county", "practice"))
        for label, scope, kind, name in (
            ("County p′ chart", Scope(county=LOS_ANGELES), "pp", "wcv_6m-county-06037"),
            ("Practice run chart", Scope(practice=practice), "run", f"wcv_6m-{practice}"),
        ):
            grouping, key = ("county", LOS_ANGELES) if scope.county else ("practice", practice)
            table = groups[grouping]
            series = table[table["key"] == key].drop(columns="key").reset_index(drop=True)
            series.to_csv(out / f"{name}.csv", index=False)
            chart = qi.qi_chart(
                series, x="month", y="numerator", n="denominator", chart=kind, multiply=100,
                title=f"wcv_6m, {scope.label}: % with 2+ well-child visits by 6 months",
            )  # fmt: skip
            charts[label] = qi.save(chart, out / f"{name}.png")
            signals = [line[2:] for line in qi.describe(chart).splitlines() if line[:2] == "- "]
            console.print(f"{scope.label}, {label.lower()}: " + (" ".join(signals) or "no signal."))
    finally:
        engine.close()
    return charts
