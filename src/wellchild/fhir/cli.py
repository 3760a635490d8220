"""``wellchild ingest fhir`` and ``wellchild export fhir``.

Two small Typer groups, so later formats sit beside FHIR (``ingest x12``, ``export qrda``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from wellchild.fhir.export import export
from wellchild.ingest.fhir import ingest
from wellchild.outreach import audit

out = Console(highlight=False, soft_wrap=True)

ingest_app = typer.Typer(
    name="ingest",
    help="Turn an export of another format into the six input files of the contract.",
    epilog="Example:\n\n    wellchild ingest fhir bulk-export/ --out input/\n\n"
    "    wellchild load input/",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


@ingest_app.command(
    "fhir",
    epilog="Examples:\n\n"
    "    wellchild ingest fhir bulk-export/ --out input/\n\n"
    "    wellchild ingest fhir synthea/csv --out input/ --skip-malformed && wellchild load input/",
)
def ingest_fhir(
    folder: Annotated[
        Path,
        typer.Argument(help="Folder of FHIR NDJSON/JSON files, or of a Synthea CSV export."),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the six files to.")],
    skip_malformed: Annotated[
        bool,
        typer.Option(
            "--skip-malformed",
            help="Write the rest and list malformed records and unreadable files, do not stop.",
        ),
    ] = False,
    enrollment_from_claims: Annotated[
        str | None,
        typer.Option(
            "--enrollment-from-claims",
            metavar="months|span|to-end",
            help="For members no Coverage with a period names, derive enrollment from their "
            "paid claims: each month with a claim (`months`), first to last claim (`span`), "
            "or first claim to the end of the extract (`to-end`). Off by default: such "
            "members then have no enrollment, and the account warns.",
        ),
    ] = None,
) -> None:
    """Read FHIR R4 (Bulk Data NDJSON, JSON resources and bundles, CARIN Blue Button, Da
    Vinci ATR Groups) or Synthea CSV and write the six contract files, with an account of
    what was used, skipped and filled in (also in OUT/ingest_account.json)."""
    result = ingest(
        folder,
        out_dir,
        skip_malformed=skip_malformed,
        enrollment_from_claims=enrollment_from_claims,
    )
    out.print(result.account.render(), markup=False)
    table = Table(title=f"Wrote {result.out}", title_justify="left")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for name, path in result.files.items():
        table.add_row(str(path), f"{result.account.rows[name]:,}")
    out.print(table)
    out.print(f"Next: wellchild load {result.out}")
    loud = Console(stderr=True, highlight=False, soft_wrap=True)
    for warning in result.account.warnings:
        loud.print(f"WARNING: {warning}", style="bold red", markup=False)


export_app = typer.Typer(
    name="export",
    help="Write measure results in a format other systems exchange.",
    epilog="Example:\n\n    wellchild export fhir --run measures-2024 --out fhir-2024",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)


@export_app.command(
    "fhir",
    epilog="Examples:\n\n"
    "    wellchild export fhir --run measures-2024 --out fhir-2024\n\n"
    "    wellchild measure --year 2024 --out run && wellchild export fhir --run run --out fhir",
)
def export_fhir(
    run: Annotated[Path, typer.Option("--run", help="Run folder written by `wellchild measure`.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the FHIR JSON to.")],
) -> None:
    """Write FHIR R4 MeasureReports (summary and subject-list) per measure and practice to
    OUT/measure-reports, and a Da Vinci DEQM gaps-in-care Bundle per child to OUT/gaps.
    Member-level data: keep OUT as protected as the store; the export is recorded in the
    audit log (WELLCHILD_AUDIT_LOG, else RUN.audit.jsonl beside the run folder)."""
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    counts = export(run, out_dir, generated=generated)
    log = audit.record(
        run,
        action="export fhir",
        practice_id=None,
        children=counts["children"],
        files=[out_dir / "measure-reports", out_dir / "gaps"],
    )
    out.print(
        f"{counts['summary']:,} summary and {counts['subject-list']:,} subject-list "
        f"MeasureReports in {out_dir / 'measure-reports'}; "
        f"{counts['gaps']:,} gaps-in-care bundles ({counts['open']:,} open gaps) in "
        f"{out_dir / 'gaps'}; {counts['unscored']:,} measure and practice pairs without a "
        f"child to score are left out.\nAudit log: {log}"
    )
