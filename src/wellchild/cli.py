"""The wellchild command line: one Typer app, one subcommand per pipeline stage.

Every user mistake surfaces as a :class:`~wellchild.errors.WellchildError`; :func:`main`
prints its message and exits with status 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from wellchild import __version__, config
from wellchild.errors import LoadRejected, WellchildError
from wellchild.hub.cli import app as hub_app

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

app = typer.Typer(
    name="wellchild",
    help="Preventive care for young children on Medicaid: load claims, measure well-child "
    "and dental care, and find the children who are missing it.",
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
    from wellchild.engines.duckdb_store import default_db

    return db if db is not None else default_db()


@app.command(
    epilog="Examples:\n\n"
    "    wellchild synth --children 20000 --seed 7 --year 2025 --out data/synthetic\n\n"
    "    wellchild synth --children 1000000 --seed 1 --year 2025 --out big --format parquet"
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
) -> None:
    """Generate a synthetic Medi-Cal child population (six input files) that looks like
    Los Angeles County. Nothing in it is about a real person."""
    from wellchild.synth import generate

    with _progress("Generating children", children) as bar:
        task = bar.task_ids[0]
        result = generate(
            out_dir,
            children=children,
            seed=seed,
            year=year,
            fmt=format,
            progress=lambda k: bar.advance(task, k),
        )
    table = Table(title=f"Synthetic population in {result.out}", title_justify="left")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, path in result.files.items():
        table.add_row(str(path), f"{result.rows[name]:,}")
    out.print(table)
    out.print(f"Next: wellchild load {result.out}")


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
    from wellchild.engines.duckdb_load import load_folder

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
    epilog="Examples:\n\n    wellchild status\n\n    wellchild status --db store.duckdb --json"
)
def status(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show what is loaded: each table's rows, when and from where, and the warnings."""
    from wellchild.engines.duckdb_store import open_store

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
    for w in info.warnings:
        where = w["file"] + (f", {w['column']}" if w["column"] else "")
        out.print(f"warning {where}: {w['message']} ({w['count']:,})")


@app.command(epilog="Example:\n\n    wellchild demo --out demo-output")
def demo(
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for everything the demo writes.")
    ] = Path("demo-output"),
    children: Annotated[int, typer.Option(help="Children in the synthetic population.")] = 20000,
) -> None:
    """Run the whole pipeline on a synthetic population and say where the outputs are."""
    from wellchild.demo import run_demo

    run_demo(out_dir, children=children, console=out)


app.add_typer(hub_app)


def main() -> None:
    """Entry point of the ``wellchild`` command."""
    try:
        app()
    except WellchildError as exc:
        err.print(Text("Error: ", style="bold red") + Text(exc.message))
        if exc.hint:
            err.print(f"Hint: {exc.hint}", markup=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("Interrupted; nothing was changed.")
        sys.exit(130)
