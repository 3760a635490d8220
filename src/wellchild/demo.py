"""``wellchild demo``: the whole pipeline on a synthetic population, end to end.

Each stage adds its step here, so a new user sees everything the product does with one
command and is told where every output is.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console
from rich.table import Table

DEMO_SEED = 20240601


def demo_year(today: dt.date | None = None) -> int:
    """The last complete calendar year: every measure then has its whole period."""
    return (today or dt.date.today()).year - 1


def run_demo(out: Path, *, children: int, console: Console) -> None:
    """Generate, load and summarise a synthetic population under ``out``."""
    from wellchild.engines.duckdb_load import load_folder
    from wellchild.engines.duckdb_store import open_store
    from wellchild.synth import generate

    year = demo_year()
    out.mkdir(parents=True, exist_ok=True)
    inputs = out / "input"
    db = out / "wellchild.duckdb"

    console.rule(f"1. Synthetic population: {children:,} children, measurement year {year}")
    result = generate(inputs, children=children, seed=DEMO_SEED, year=year, fmt="csv")
    console.print(f"Wrote {sum(result.rows.values()):,} rows to {inputs}")

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
    _measure(db, year, measures, console)

    console.rule("4. Hub: the learning community's website, with demo content")
    from wellchild.hub.demo import prepare

    prepare(out / "hub", console=console)

    console.rule("Outputs")
    console.print(f"Synthetic input files: {inputs.resolve()}")
    console.print(f"Store (DuckDB):        {db.resolve()}")
    console.print(f"Measures, long table:  {(measures / 'measure_long.parquet').resolve()}")
    console.print(f"Measures, summary:     {(measures / 'summary.csv').resolve()}")
    console.print(f"Try: wellchild status --db {db}")


def _measure(db: Path, year: int, out: Path, console: Console) -> None:
    """Run the ten measures with the year before as the baseline and show the totals."""
    from wellchild.engines.duckdb_engine import DuckDBEngine
    from wellchild.measures.context import Period
    from wellchild.measures.display import measure_table
    from wellchild.measures.run import NOT_HEDIS, run_measures

    console.rule(f"3. Measures: the ten measures for {year}, with {year - 1} as the baseline")
    engine = DuckDBEngine.open(db)
    try:
        run = run_measures(
            engine, Period.for_year(year), out=out, baseline=Period.for_year(year - 1)
        )
    finally:
        engine.close()
    console.print(measure_table(run.summary, baseline=True))
    console.print(f"{NOT_HEDIS} Took {run.seconds:.1f} s.")
