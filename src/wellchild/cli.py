"""The wellchild command line: one Typer app, one subcommand per pipeline stage.

Every user mistake surfaces as a :class:`~wellchild.errors.WellchildError`; :func:`main`
prints its message and exits with status 2, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from wellchild import __version__, config
from wellchild.cli_help import tidy
from wellchild.demo import run_demo
from wellchild.engines.base import Engine
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_load import load_folder
from wellchild.engines.duckdb_store import default_db, open_store
from wellchild.engines.spark_engine import SparkEngine
from wellchild.errors import LoadRejected, WellchildError
from wellchild.fhir.cli import export_app, ingest_app
from wellchild.hub.cli import app as hub_app
from wellchild.hub.data.cli import (
    PUBLISH_EPILOG,
    WITHDRAW_EPILOG,
    publish_command,
    withdraw_command,
)
from wellchild.linkage.cli import LINK_EPILOG, link_command
from wellchild.measures import catalogue, span
from wellchild.measures.context import Period, Settings
from wellchild.measures.display import measure_table
from wellchild.measures.registry import get, select
from wellchild.measures.run import NOT_HEDIS, run_measures
from wellchild.measures.series import (
    Scope,
    add_months,
    last_complete_month,
    month_end,
    monthly_series,
    rolling_period,
)
from wellchild.measures.span import claim_span
from wellchild.outreach.cli import register as register_outreach
from wellchild.outreach.synthetic_pilot import check, plant_pilot
from wellchild.qi.cli import QI_CHART_EPILOG, qi_chart_command
from wellchild.synth import generate

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

app = typer.Typer(
    name="wellchild",
    help="Preventive care for young children on Medicaid: load claims, measure well-child "
    "and dental care, and find the children who are missing it.\n\n"
    "**Start here**: `wellchild demo` runs the whole pipeline on synthetic children and "
    "says where every output is. With your own data: `load` the six files "
    "(docs/contract.md), check them with `status`, then `measure`. Every command has "
    "`--help` with examples; docs/cli.md has them all.",
    epilog="Examples:\n\n"
    "    wellchild demo --out demo-output --children 5000\n\n"
    "    wellchild synth --children 5000 --seed 1 --year 2024 --out syn\n\n"
    "    wellchild load syn\n\n"
    "    wellchild measure --year 2024 --out measures-2024",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    add_completion=False,
)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="The store (a DuckDB file). Default: $WELLCHILD_DB, else ./wellchild.duckdb.",
        show_default=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"wellchild {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    config.check_environment()


@contextmanager
def _progress(description: str, total: float) -> Iterator[Progress]:
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    with progress:
        progress.add_task(description, total=total)
        yield progress


def _db(db: Path | None) -> Path:
    return db if db is not None else default_db()


@app.command(
    epilog="Examples:\n\n"
    "    wellchild synth --children 20000 --seed 7 --year 2025 --out data/synthetic\n\n"
    "    wellchild synth --children 1000000 --seed 1 --year 2025 --out big --format parquet\n\n"
    "    wellchild synth --children 20000 --seed 7 --year 2025 --out pilot "
    "--pilot-practices 4 --pilot-start 2025-01-01"
)
def synth(
    children: Annotated[int, typer.Option(help="How many children to generate.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")],
    year: Annotated[
        int, typer.Option(help="Measurement year; history starts four years before it.")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the six files to.")],
    format: Annotated[
        Literal["csv", "parquet"], typer.Option("--format", help="File format.")
    ] = "csv",
    separate_ids: Annotated[
        bool,
        typer.Option(
            "--separate-ids",
            help="Also write medical/ and dental/ member files with different ids and noisy "
            "names, dates and addresses, and truth (the pairs), for wellchild link.",
        ),
    ] = False,
    pilot_practices: Annotated[
        int | None,
        typer.Option(
            "--pilot-practices",
            help="Play the medical–dental pilot: this many of the top 25 Los Angeles practices "
            "take part; their referral registers go to pilot/ (docs/synth.md).",
            show_default=False,
        ),
    ] = None,
    pilot_start: Annotated[
        str | None,
        typer.Option(
            "--pilot-start",
            show_default=False,
            help="The pilot's programme start, YYYY-MM-DD (with --pilot-practices).",
        ),
    ] = None,
    pilot_effect: Annotated[
        float | None,
        typer.Option(
            "--pilot-effect",
            show_default=False,
            help="Percentage points the pilot adds to dental_after_pcp at the "
            "participating practices; default: up to the Los Angeles pilot's 58%.",
        ),
    ] = None,
    parts: Annotated[
        int,
        typer.Option(
            help="Write each table as a folder TABLE.parquet/ of this many Parquet files "
            "(with --format parquet), for a cluster to read in parallel.",
        ),
    ] = 1,
) -> None:
    """Generate a synthetic Medi-Cal child population (six input files) that looks like
    Los Angeles County. Nothing in it is about a real person."""
    pilot = _pilot_options(year, pilot_practices, pilot_start, pilot_effect)
    if pilot is not None and parts > 1:
        raise WellchildError(
            "A pilot is played on a population written one file per table.",
            hint="Leave out --parts, or the --pilot options.",
        )
    with _progress("Generating children", children) as bar:
        task = bar.task_ids[0]
        result = generate(
            out_dir,
            children=children,
            seed=seed,
            year=year,
            fmt=format,
            separate_ids=separate_ids,
            progress=lambda k: bar.advance(task, k),
            parts=parts,
        )
    table = Table(title=f"Synthetic population in {result.out}", title_justify="left")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, path in result.files.items():
        table.add_row(str(path), f"{result.rows[name]:,}")
    if pilot is not None:
        try:
            played = plant_pilot(result, practices=pilot[0], start=pilot[1], effect=pilot_effect)
        except WellchildError as error:
            # the population was written for the pilot: without it, it is not what was asked
            for path in [*result.files.values(), result.out / "pilot"]:
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink(missing_ok=True)
            for folder in sorted({p.parent for p in result.files.values()}, reverse=True):
                if folder != result.out and folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()
            error.hint = " ".join(
                filter(None, [error.hint, f"The population written to {result.out} was removed."])
            )
            raise
        out.print(table)
        out.print(played.summary())
    else:
        out.print(table)
    if parts > 1:
        out.print("Each table is a folder of parts, for Spark to read in parallel; wellchild load")
        out.print("reads one file per table (docs/scale.md, A population in parts).")
    else:
        out.print(f"Next: wellchild load {result.out}")


def _pilot_options(
    year: int, practices: int | None, start_text: str | None, effect: float | None
) -> tuple[int, dt.date] | None:
    """The pilot's options, checked before anything is generated (None: no pilot)."""
    if practices is None and start_text is None and effect is None:
        return None
    start = _date(start_text, "--pilot-start")
    if practices is None or start is None:
        raise WellchildError(
            "A pilot needs both --pilot-practices and --pilot-start.",
            hint=f"For example: --pilot-practices 9 --pilot-start {year}-01-01.",
        )
    check(year, practices, start, effect)
    return practices, start


@app.command(
    epilog="Examples:\n\n"
    "    wellchild load data/synthetic\n\n"
    "    wellchild load /secure/extract-2025-06 --db /secure/wellchild.duckdb "
    "--problems problems.csv"
)
def load(
    folder: Annotated[
        Path, typer.Argument(help="Folder with the six input files (CSV or Parquet).")
    ],
    db: DbOption = None,
    problems: Annotated[
        Path | None,
        typer.Option(
            "--problems",
            help="Also write every problem found to this file (.csv or .json).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check an input folder against the contract and load it into the store.

    Every problem in every file is collected and reported together (file, row, column,
    expected, found, hint). Any error means nothing is loaded and the exit status is 2;
    warnings are counted and the load goes on. A load is all or nothing, even if it is
    killed, and loading the same folder twice gives the same store.
    """
    target = _db(db)
    try:
        with _progress("Loading", 1.0) as bar:
            task = bar.task_ids[0]
            result = load_folder(
                folder,
                target,
                progress=lambda what, done: bar.update(task, description=what, completed=done),
            )
    except LoadRejected as rejected:
        report = rejected.report
        if problems is not None:
            report.write(problems)
        err.print(report.render(), markup=False, soft_wrap=True)
        err.print()
        err.print(Text(rejected.message, style="bold red"))
        if problems is not None:
            err.print(f"Every problem is listed in {problems}.")
        raise typer.Exit(2) from None
    report = result.report
    if problems is not None:
        report.write(problems)
    if report.warnings:
        err.print(report.render(), markup=False, soft_wrap=True)
        err.print()
    table = Table(title=f"Loaded {folder} into {result.db}", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, rows in result.rows.items():
        table.add_row(name, f"{rows:,}")
    out.print(table)
    warned = sum(p.count for p in report.warnings)
    out.print(
        f"{warned:,} warning{'s' if warned != 1 else ''} counted"
        f"{' (see above)' if warned else ''}; took {result.seconds:.1f} s."
    )


@app.command(
    epilog="Examples:\n\n    wellchild status\n\n"
    "    wellchild status --db /secure/wellchild.duckdb --json"
)
def status(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show what is loaded: each table's rows, when and from where, and the warnings."""
    with open_store(_db(db)) as store:
        info = store.status()
    if as_json:
        out.print_json(json.dumps(info.to_dict()))
        return
    if not info.loaded:
        out.print(f"{info.path} holds no load yet. Run `wellchild load DIR`.")
        return
    out.print(f"Store {info.path}")
    out.print(f"Loaded {info.loaded_at} from {info.source} by wellchild {info.version}")
    table = Table(title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("from")
    table.add_column("warnings", justify="right")
    for t in info.tables:
        table.add_row(t.name, f"{t.rows:,}", t.source or "", f"{t.warnings:,}")
    out.print(table)
    out.print(_claims_line(Path(info.path)))
    for w in info.warnings:
        where = w["file"] + (f", {w['column']}" if w["column"] else "")
        out.print(f"warning {where}: {w['message']} ({w['count']:,})")


def _claims_line(db: Path) -> str:
    """The dates the loaded claims cover: the years and as-of dates a run can read."""
    engine = DuckDBEngine.open(db)
    try:
        span = claim_span(engine)
    finally:
        engine.close()
    if span is None:
        return "No claims are loaded: every rate would be 0%."
    return f"Claims run from {span.first} to {span.last} (service dates, medical and dental)."


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, rest = value.partition("=")
        if not sep or not key or not rest:
            raise WellchildError(
                f"{option} expects NAME=VALUE, found {value!r}.",
                hint=f"For example {option} race_ethnicity=White.",
            )
        out[key.strip()] = rest.strip()
    return out


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise WellchildError(f"{option} expects a date as YYYY-MM-DD, found {value!r}.") from None


@app.command(
    epilog="Examples:\n\n"
    "    wellchild measure --year 2024\n\n"
    "    wellchild measure --year 2024 --baseline-year 2021 --measure wcv_6m --public --out pub\n\n"
    "    wellchild measure --year 2024 --as-of 2024-09-30 --program-start 2024-01-01 "
    "--measure dental_12m --measure dental_after_pcp --out dental-2024-09\n\n"
    "    wellchild measure --year 2024 --engine spark --spark-master spark://head:7077 "
    "--input hdfs:///wellchild/store-2024"
)
def measure(
    year: Annotated[int, typer.Option(help="Measurement year (1 January to 31 December).")],
    as_of: Annotated[
        str | None,
        typer.Option(
            help="The day dental_12m and dental_after_pcp are read on. "
            "Default: 31 December of --year.",
            show_default=False,
        ),
    ] = None,
    program_start: Annotated[
        str | None,
        typer.Option(
            help="First day of the programme, for dental_after_pcp. Default: 1 January of --year.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    engine: Annotated[
        Literal["duckdb", "spark"], typer.Option(help="Engine that runs the measures.")
    ] = "duckdb",
    measure_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--measure",
            help="A measure to run, all by default; repeat for several: "
            + ", ".join(catalogue.ids()),
            show_default=False,
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the run. Default: ./measures-YEAR.", show_default=False
        ),
    ] = None,
    baseline_year: Annotated[
        int | None,
        typer.Option(
            help="Also compute this year: baseline rate, target, progress, disparity change."
        ),
    ] = None,
    reference: Annotated[
        list[str] | None,
        typer.Option(help="Reference group of a stratum, DIMENSION=GROUP (default: highest rate)."),
    ] = None,
    aim: Annotated[
        list[str] | None,
        typer.Option(help="Aim in percentage points over the baseline, MEASURE=POINTS."),
    ] = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Write only summary.csv, small cells suppressed and attack-checked "
            "(no long table).",
        ),
    ] = False,
    telehealth: Annotated[
        bool | None,
        typer.Option(
            "--telehealth/--no-telehealth",
            help="Count telehealth well-child visits. Default: $WELLCHILD_TELEHEALTH (true).",
            show_default=False,
        ),
    ] = None,
    visit_spacing_days: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="Minimum days between counted well-child visits. "
            "Default: $WELLCHILD_VISIT_SPACING_DAYS (0).",
            show_default=False,
        ),
    ] = None,
    spark_master: Annotated[
        str | None,
        typer.Option(help="Spark master URL. Default: $WELLCHILD_SPARK_MASTER (local[2])."),
    ] = None,
    input_dir: Annotated[
        str | None,
        typer.Option(
            "--input",
            help="Spark only: a folder (or hdfs:// / s3a:// URL) of Parquet store tables "
            "written by `wellchild export-store`, instead of --db.",
        ),
    ] = None,
) -> None:
    """Compute the measures of docs/measure-rules.md and write OUT/measure_long.parquet (one row
    per child and measure) and OUT/summary.csv (one row per measure and stratum, with
    Wilson 95% intervals, disparities and, with --baseline-year, progress to target).

    These are quality-improvement versions of the published measures, not audited HEDIS
    rates; run.json in OUT names the specification versions followed.
    """
    chosen = select(measure_ids)
    period = Period.for_year(year, _date(as_of, "--as-of"), _date(program_start, "--program-start"))
    settings = Settings.from_config()
    if telehealth is not None:
        settings = replace(settings, telehealth=telehealth)
    if visit_spacing_days is not None:
        settings = replace(settings, visit_spacing_days=visit_spacing_days)
    aims: dict[str, float] = {}
    for key, value in _pairs(aim, "--aim").items():
        try:
            aims[key] = float(value)
        except ValueError:
            raise WellchildError(
                f"--aim {key}= expects a number of points, found {value!r}."
            ) from None
    out_path = out_dir or Path(f"measures-{year}")
    runner = _engine(engine, db, spark_master, input_dir)
    try:
        _warn_outside_claims(runner, period, as_of is not None, baseline_year)
        with _progress(f"Measuring {len(chosen)} measure(s) on {engine}", 1.0):
            result = run_measures(
                runner,
                period,
                out=out_path,
                settings=settings,
                measures=chosen,
                baseline=Period.for_year(baseline_year) if baseline_year else None,
                aims=aims,
                references=_pairs(reference, "--reference"),
                public=public,
            )
    finally:
        runner.close()
    out.print(measure_table(result.summary, baseline=baseline_year is not None))
    out.print(NOT_HEDIS)
    if result.long_path is not None:
        out.print(f"Long table: {result.long_path} ({result.rows:,} rows)")
    out.print(f"Summary:    {result.summary_path}")
    out.print(f"Took {result.seconds:.1f} s on {engine}.")


def _warn_outside_claims(
    engine: Engine, period: Period, as_of_given: bool, baseline_year: int | None
) -> None:
    """Warn when the year, the as-of window or the baseline year lies outside the claims."""
    periods = [(period.start, period.end, f"The measurement year {period.year}")]
    if as_of_given:
        start, end = span.twelve_months_to(period.as_of)
        periods.append((start, end, f"The 12 months ending on the as-of date {period.as_of}"))
    if baseline_year is not None:
        baseline = Period.for_year(baseline_year)
        periods.append((baseline.start, baseline.end, f"The baseline year {baseline_year}"))
    span.warn(err, engine, periods)


def _engine(name: str, db: Path | None, master: str | None, folder: str | None) -> Engine:
    if name == "duckdb":
        if folder is not None:
            raise WellchildError("--input is for the Spark engine; DuckDB reads --db.")

        return DuckDBEngine.open(db)

    master = master or config.get("spark_master")
    if folder is not None:
        return SparkEngine(folder, master)
    return SparkEngine.from_store(db, master)


@app.command(
    epilog="Examples:\n\n    wellchild export-store parquet-store\n\n"
    "    wellchild export-store /mnt/share/store-2024 --db /secure/wellchild.duckdb"
)
def export_store(
    folder: Annotated[Path, typer.Argument(help="Folder to write one Parquet file per table to.")],
    db: DbOption = None,
) -> None:
    """Write the store's input and core tables as Parquet files, for the Spark engine on
    a cluster (`wellchild measure --engine spark --input FOLDER`). Member-level data:
    keep the folder as protected as the store."""
    engine = DuckDBEngine.open(db)
    try:
        written = engine.export(folder)
    finally:
        engine.close()
    for name, path in written.items():
        out.print(f"{name}: {path}")


def _month(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise WellchildError(f"{option} expects a month as YYYY-MM, found {value!r}.") from None


@app.command(
    "qi-series",
    epilog="Examples:\n\n"
    "    wellchild qi-series --measure wcv_6m --county 06037 --out wcv_6m-la.csv\n\n"
    "    wellchild qi-series --measure w30_1 --practice P00010 --from 2023-01 --to 2024-12\n\n"
    "    wellchild qi-chart wcv_6m-la.csv --x month --y numerator --n denominator "
    "--chart pp --out wcv_6m-la.png",
)
def qi_series(
    measure_id: Annotated[
        str,
        typer.Option(
            "--measure", help="The measure to follow: " + ", ".join(catalogue.ids()) + "."
        ),
    ],
    by: Annotated[
        Literal["month"], typer.Option(help="Time unit of the points (months).")
    ] = "month",
    practice: Annotated[
        str | None, typer.Option(help="Only the children attributed to this practice.")
    ] = None,
    county: Annotated[
        str | None, typer.Option(help="Only the children living in this county (FIPS code).")
    ] = None,
    first: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="First month (YYYY-MM). Default: 23 months before --to.",
            show_default=False,
        ),
    ] = None,
    last: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Last month (YYYY-MM). Default: the last month the claims cover in full.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="CSV file to write. Default: ./qi-series-MEASURE.csv.", show_default=False
        ),
    ] = None,
) -> None:
    """Numerator and denominator of a measure for each month, ready for a p or p′ chart:
    the 12 months ending each month for the annual measures, the month of the index visit
    for dental_after_pcp. Counts only: no child is named."""
    measure = get(measure_id)
    scope = Scope(practice=practice, county=county)
    path = out_file or Path(f"qi-series-{measure.id}.csv")
    if path.suffix.lower() != ".csv":
        raise WellchildError(f"--out must name a .csv file, found {str(path)!r}.")
    engine = DuckDBEngine.open(db)
    try:
        to = _month(last, "--to") or last_complete_month(engine)
        start = _month(first, "--from") or add_months(to, -23)
        span.warn(
            err,
            engine,
            [
                (
                    rolling_period(start).start,
                    month_end(to),
                    f"The months {start:%Y-%m} to {to:%Y-%m} with the 12 months each point reads",
                )
            ],
        )
        with _progress(f"Measuring {measure.id} month by month", 1.0):
            series = monthly_series(
                engine, measure, start, to, settings=Settings.from_config(), scope=scope
            )
    finally:
        engine.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    series.to_csv(path, index=False)
    if series.empty:
        raise WellchildError(
            f"No child was counted in {measure.id} for {scope.label} "
            f"from {start:%Y-%m} to {to:%Y-%m}.",
            hint="Check the practice id or county code, or choose other months.",
        )
    out.print(
        f"{measure.id} for {scope.label}: {len(series)} monthly points from "
        f"{series['month'].iloc[0]:%Y-%m} to {series['month'].iloc[-1]:%Y-%m} "
        "(months with no child counted are left out)."
    )
    out.print(f"Series: {path}")
    out.print(
        f"Chart it: wellchild qi-chart {path} --x month --y numerator --n denominator "
        f"--chart pp --out {path.with_suffix('.png')}"
    )


@app.command(epilog="Example:\n\n    wellchild demo --out demo-output")
def demo(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for everything the demo writes.")
    ] = Path("demo-output"),
    children: Annotated[int, typer.Option(help="Children in the synthetic population.")] = 20000,
) -> None:
    """Run the whole pipeline on a synthetic population and say where the outputs are."""
    run_demo(out_dir, children=children, console=out)


app.command("qi-chart", epilog=QI_CHART_EPILOG)(qi_chart_command)
app.command("link", epilog=LINK_EPILOG)(link_command)
app.command("publish", epilog=PUBLISH_EPILOG)(publish_command)
app.command("withdraw", epilog=WITHDRAW_EPILOG)(withdraw_command)
app.add_typer(hub_app)
app.add_typer(ingest_app)
app.add_typer(export_app)
register_outreach(app)


def command() -> TyperGroup:
    """The app as the ``wellchild`` command runs it, its help tidied
    (:mod:`wellchild.cli_help`)."""
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    return tidy(root)


def main() -> None:
    """Entry point of the ``wellchild`` command."""
    try:
        command()(prog_name="wellchild")
    except WellchildError as exc:
        err.print(Text("Error: ", style="bold red") + Text(exc.message))
        if exc.hint:
            err.print(f"Hint: {exc.hint}", markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("Interrupted; nothing was changed.")
        sys.exit(130)
