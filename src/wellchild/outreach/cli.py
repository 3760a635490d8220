"""The pilot's commands: ``rank``, ``outreach``, ``brochure``, ``referrals`` and
``evaluate``. :func:`register` adds them to the wellchild app."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from wellchild.documents.brochure import write_brochure
from wellchild.documents.catalogue import available, catalogue, match, resolve
from wellchild.documents.review import export_workbook, import_workbook
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.engines.duckdb_store import default_db
from wellchild.errors import WellchildError
from wellchild.geography import regions
from wellchild.measures import span
from wellchild.measures.span import warn as warn_outside
from wellchild.measures.summary import SMALL_DENOMINATOR

# Imported here so their settings (WELLCHILD_REGION_FILE, WELLCHILD_AUDIT_LOG) are known
# when the app checks the environment.
from wellchild.outreach import audit as _audit
from wellchild.outreach.evaluation import evaluate as run
from wellchild.outreach.packets import build_folder
from wellchild.outreach.rank import rank_practices
from wellchild.outreach.rank_chart import rank_files
from wellchild.outreach.referrals import current, import_file, read_register, roster
from wellchild.outreach.report import write_report
from wellchild.rounding import percent_text

if TYPE_CHECKING:
    from wellchild.engines.base import Engine
    from wellchild.outreach.referrals import Roster

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="The store (a DuckDB file). Default: $WELLCHILD_DB, else ./wellchild.duckdb.",
        show_default=False,
    ),
]
AsOfOption = Annotated[
    str, typer.Option("--as-of", help="The as-of date (YYYY-MM-DD) non-utilizers are found on.")
]
CountyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--county",
        help="Only practices in this county (5-digit FIPS; repeat for several). Default: all.",
        show_default=False,
    ),
]


def parse_date(value: str, option: str) -> dt.date:
    """A ``YYYY-MM-DD`` option value, or an error saying which option was wrong."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise WellchildError(f"{option} expects a date as YYYY-MM-DD, found {value!r}.") from None


def _warn_outside_claims(engine: Engine, as_of: dt.date) -> None:
    """Warn when the 12 months before the as-of date are not all in the loaded claims:
    past the data, every child would look like a non-utilizer."""
    start, end = span.twelve_months_to(as_of)
    span.warn(err, engine, [(start, end, f"The 12 months ending on the as-of date {as_of}")])


RANK_EPILOG = (
    "Examples:\n\n"
    "    wellchild rank --as-of 2024-12-31 --county 06037\n\n"
    "    wellchild rank --as-of 2024-06-30 --county 06067 --county 06005 --top 10 "
    "--min-panel 20 --out rank-north"
)


def rank(
    as_of: AsOfOption,
    county: CountyOption = None,
    top: Annotated[
        int, typer.Option(min=1, help="Size of each top list (by number and by share).")
    ] = 25,
    min_panel: Annotated[
        int,
        typer.Option(min=1, help="Panels smaller than this are flagged and get no share rank."),
    ] = SMALL_DENOMINATOR,
    db: DbOption = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the files. Default: ./rank-AS_OF.", show_default=False
        ),
    ] = None,
) -> None:
    """Rank primary care practices by their children 1–5 with no dental visit in the 12
    months ending on the as-of date (dental_12m not met), by number and by share, with a
    95% Wilson interval on each share and the share of these families in each threshold
    language. Writes rank.csv (every practice), rank.xlsx (the combined top list and every
    practice) and rank.png / rank.svg (the chart). Counts only: no child is named."""
    date = parse_date(as_of, "--as-of")
    counties = tuple(county or ())
    region = regions.region()
    languages = region.languages(counties)
    engine = DuckDBEngine.open(db)
    try:
        _warn_outside_claims(engine, date)
        ranking = rank_practices(
            engine, date, counties=counties, languages=languages, top=top, min_panel=min_panel
        )
    finally:
        engine.close()
    if ranking.table.empty:
        raise WellchildError(
            f"No practice has an assigned child aged 1–5 on {date} "
            f"in {', '.join(counties) or 'any county'}.",
            hint="Check --county and --as-of against what is loaded (wellchild status).",
        )
    files = rank_files(ranking, out_dir or Path(f"rank-{date}"))
    table = Table(title=f"Top {top} by number or by share, as of {date}", title_justify="left")
    for column in ("rank #", "rank %", "practice", "panel", "non-utilizers", "share (95% CI)"):
        table.add_column(column, justify="left" if column == "practice" else "right")
    for r in ranking.combined.itertuples():
        table.add_row(
            str(r.rank_number),
            _blank_na(r.rank_share),
            f"{r.practice_name} ({r.practice_id})",
            f"{r.panel:,}" + (" (small)" if r.small_panel else ""),
            f"{r.non_utilizers:,}",
            f"{_whole_percent(r.share)} ({_whole_percent(r.share_ci_low)[:-1]}–"
            f"{_whole_percent(r.share_ci_high)})",
        )
    out.print(table)
    for kind, path in files.items():
        out.print(f"{kind.upper():<5}{path}")


def _whole_percent(value: Any) -> str:
    """A share as a whole percentage, rounded as every rate is (wellchild.rounding)."""
    return f"{percent_text(value, 0)}%"


def _blank_na(value: object) -> str:
    """A rank for display; no rank (a small panel) shows as blank."""
    return "" if value is None or str(value) in {"<NA>", "nan"} else str(value)


BROCHURE_EPILOG = (
    "Examples:\n\n"
    "    wellchild brochure --language es --county 06037 --out brochure-es.pdf\n\n"
    "    wellchild brochure --language fa --out brochure-fa.png"
)


def brochure(
    language: Annotated[
        str, typer.Option("--language", help="BCP 47 tag of the language (es, zh-Hant, fa, …).")
    ],
    out_file: Annotated[
        Path, typer.Option("--out", help="File to write: .pdf (to print) or .png (first page).")
    ],
    county: Annotated[
        str | None,
        typer.Option(
            "--county",
            help="County (FIPS) whose plans and contact lines to print. Default: the state "
            "dental line only.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Typeset the brochure on early dental care (first visit by age 1, fluoride varnish,
    Medi-Cal Dental covers it, how to find a dentist, phone numbers) in one language,
    for print shops and the hub's resource library. A language without a catalogue, or a
    string a catalogue lacks, prints in English marked [EN]; the footer says how much of
    the translation is reviewed."""
    if out_file.suffix.lower() not in {".pdf", ".png"}:
        raise WellchildError(f"--out must end in .pdf or .png, found {str(out_file)!r}.")
    region = regions.region()
    place = region.county(county) if county else None
    path = write_brochure(language, region.phone_lines(place), out_file)
    if match(language) is None:
        out.print(
            f"No catalogue for {language!r}: the brochure is in English, marked [EN]. "
            f"Catalogues: {', '.join(available())}."
        )
    out.print(f"Brochure: {path}")


OUTREACH_EPILOG = (
    "Examples:\n\n"
    "    wellchild outreach --practice P00010 --as-of 2024-12-31 --out outreach\n\n"
    "    wellchild outreach --practice P00003 --practice P00014 --as-of 2024-12-31 "
    "--out /secure/outreach --db /secure/wellchild.duckdb"
)


def outreach(
    practice: Annotated[
        list[str],
        typer.Option("--practice", help="A recruited practice's id (repeat for several)."),
    ],
    as_of: AsOfOption,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to put one folder per practice in.")
    ],
    db: DbOption = None,
) -> None:
    """Build each recruited practice's outreach folder: the gap list (CSV, XLSX, PDF) of
    its children 1–5 with no dental visit in 12 months, with their W30 and WCV gaps,
    guardian, phone, language, last visits, next well-child visit due and nearest
    dentists; a referral form per child (family language above the cut, English office
    copy below); the brochure in each family language; the protocol; and a referral
    register to fill in. Member-level data: each folder holds one practice's children
    only, and every build is written to the audit log."""
    date = parse_date(as_of, "--as-of")
    store = db if db is not None else default_db()
    region = regions.region()
    engine = DuckDBEngine.open(store)
    try:
        _warn_outside_claims(engine, date)
        for practice_id in dict.fromkeys(practice):
            folder = build_folder(engine, store, practice_id, date, out_dir, region)
            out.print(
                f"{folder.practice.name} ({practice_id}): {folder.children:,} children, "
                f"{len(folder.files):,} files in {folder.path}"
            )
    finally:
        engine.close()
    out.print(f"Audit log: {_audit.log_path(store)}")


referrals_app = typer.Typer(
    name="referrals",
    help="The referral register: each dental referral's status (given, appointment made, "
    "seen, declined, unreachable) with dates.",
    epilog="Examples:\n\n"
    "    wellchild referrals import outreach/P00010/referral_register.csv\n\n"
    "    wellchild referrals export --practice P00010 --out P00010-referrals.csv",
    no_args_is_help=True,
)


def _roster(store: Path) -> Roster:
    engine = DuckDBEngine.open(store)
    try:
        return roster(engine)
    finally:
        engine.close()


@referrals_app.command(
    "import",
    epilog="Examples:\n\n"
    "    wellchild referrals import outreach/P00010/referral_register.csv\n\n"
    "    wellchild referrals import march-statuses.csv --db /secure/wellchild.duckdb",
)
def referrals_import(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="CSV or XLSX: member_id, practice_id, status, status_date "
            "[, appointment_date, note].",
        ),
    ],
    db: DbOption = None,
) -> None:
    """Check a referral register file (CSV, or XLSX as a spreadsheet saves it) and merge
    it into the store's register. Dates may be YYYY-MM-DD, M/D/YYYY or Excel dates. Each
    practice must exist and each child must be assigned to the practice it is filed
    under. Every problem is reported together (row, column, value found, what to do);
    any problem means nothing is imported and the exit status is 2. Rows with no status
    yet are skipped. Importing the same file twice changes nothing."""
    store = db if db is not None else default_db()
    result = import_file(file, store, _roster(store))
    _audit.record(store, action="referrals import", practice_id=None, children=result.rows,
                  files=[file, result.register])  # fmt: skip
    out.print(
        f"Imported {result.rows:,} row(s) from {file} ({result.new:,} new; "
        f"{result.skipped_blank:,} without a status skipped) into {result.register}."
    )


@referrals_app.command(
    "export",
    epilog="Examples:\n\n"
    "    wellchild referrals export --practice P00010 --out P00010-referrals.csv\n\n"
    "    wellchild referrals export --practice P00010 --history --out P00010-history.csv",
)
def referrals_export(
    practice: Annotated[
        str, typer.Option("--practice", help="The practice whose referrals to export.")
    ],
    out_file: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    history: Annotated[
        bool, typer.Option("--history", help="Every status change, not only the latest.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Write one practice's referrals to CSV: each child's latest status, or with
    --history every status change. Member-level data for that practice only; the export
    is written to the audit log."""
    store = db if db is not None else default_db()
    register = read_register(store)
    rows = register[register["practice_id"] == practice]
    rows = rows if history else current(rows)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(out_file, index=False)
    _audit.record(store, action="referrals export", practice_id=practice,
                  children=int(rows["member_id"].nunique()), files=[out_file])  # fmt: skip
    out.print(f"Wrote {len(rows):,} row(s) for {practice} to {out_file}.")


def _percent(value: float) -> str:
    return "–" if value != value else f"{percent_text(value)}%"


def _points(value: float) -> str:
    if value != value:
        return "not estimable"
    return f"{'-' if value < 0 else '+'}{percent_text(abs(value))} points"


def read_practices(path: Path) -> list[str]:
    """Practice ids from a CSV with a practice_id column, or from one id per line."""
    if not path.is_file():
        raise WellchildError(f"--practices: {path} is not a file.")
    lines = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines()]
    lines = [line for line in lines if line]
    if lines and "practice_id" in [c.strip().lower() for c in lines[0].split(",")]:
        column = [c.strip().lower() for c in lines[0].split(",")].index("practice_id")
        ids = [line.split(",")[column].strip() for line in lines[1:]]
    else:
        ids = lines
    ids = list(dict.fromkeys(i for i in ids if i))
    if not ids:
        raise WellchildError(
            f"{path} names no practice.",
            hint="One practice id per line, or a CSV with a practice_id column (rank.csv).",
        )
    return ids


EVALUATE_EPILOG = (
    "Examples:\n\n"
    "    wellchild evaluate --program-start 2024-01-01 --as-of 2024-12-31 "
    "--practices recruited.txt --out evaluation\n\n"
    "    wellchild evaluate --program-start 2024-01-01 --as-of 2024-12-31 "
    "--practices recruited.csv --public --out evaluation-public"
)


def evaluate(
    program_start: Annotated[
        str, typer.Option("--program-start", help="The day outreach began (YYYY-MM-DD).")
    ],
    as_of: Annotated[str, typer.Option("--as-of", help="The last day of data (YYYY-MM-DD).")],
    practices_file: Annotated[
        Path,
        typer.Option(
            "--practices",
            help="The participating practices: one id per line, or a CSV with practice_id.",
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the report.")],
    public: Annotated[
        bool, typer.Option("--public", help="Suppress small cells everywhere (to publish).")
    ] = False,
    db: DbOption = None,
) -> None:
    """The pilot evaluation report (HTML and PDF with charts, tables as CSV): children
    reached; dental_after_pcp at the participating practices and at a comparison group
    (practices of the same counties in the ranking's top 25 on the programme start but
    not recruited, with the closest panel sizes),
    before and after the programme start, with 95% intervals and a
    difference-in-differences estimate; the referral funnel from the register; results by
    language and race/ethnicity. Counts only, no child named; --public applies the
    small-cell policy."""
    start = parse_date(program_start, "--program-start")
    end = parse_date(as_of, "--as-of")
    chosen = read_practices(practices_file)
    store = db if db is not None else default_db()
    engine = DuckDBEngine.open(store)
    try:
        warn_outside(err, engine, [(start, end, f"The programme, {start} to {end},")])
        result = run(engine, start, end, chosen, read_register(store))
    finally:
        engine.close()
    files = write_report(result, out_dir, public=public)
    r = result.rates.set_index(["group", "period"])["rate"]
    for group in ("participating", "comparison"):
        before, after = _percent(r[(group, "before")]), _percent(r[(group, "after")])
        out.print(f"{group:<14} before {before}  after {after}")
    d = result.did
    if d["estimate"] != d["estimate"]:
        out.print(
            "Difference-in-differences: not estimable (it needs two practices or more in "
            "each group, and children in every group and period)."
        )
    else:
        out.print(
            f"Difference-in-differences: {_points(d['estimate'])} "
            f"(95% CI {_points(d['ci_low'])} to {_points(d['ci_high'])}; "
            f"{int(d['practices'])} practices, {d['df']:.1f} degrees of freedom)"
        )
    out.print(f"Report: {files['html']} and {files['pdf']}")


catalogue_app = typer.Typer(
    name="catalogue",
    help="Translation review of the family documents' message catalogues: export a "
    "language to a workbook, import it back reviewed.",
    epilog="Examples:\n\n"
    "    wellchild catalogue export --language es --out review-es.xlsx\n\n"
    "    wellchild catalogue import review-es.xlsx",
    no_args_is_help=True,
)


@catalogue_app.command(
    "export",
    epilog="Examples:\n\n"
    "    wellchild catalogue export --language es --out review-es.xlsx\n\n"
    "    wellchild catalogue export --language zh-TW --out review-zh-Hant.xlsx",
)
def catalogue_export(
    language: Annotated[
        str,
        typer.Option("--language", help="BCP 47 tag (es, es-MX, zh-Hant, zh-TW, km, …)."),
    ],
    out_file: Annotated[Path, typer.Option("--out", help="The workbook to write (.xlsx).")],
) -> None:
    """Write a language's catalogue as a workbook for a translator: each string's key,
    what it is for, the English source, the translation and its status (reviewed,
    machine-drafted or missing), and who reviewed it. Tags match as BCP 47 does (es-MX
    gives es); a tag with no catalogue is an error listing the catalogues."""
    if out_file.suffix.lower() != ".xlsx":
        raise WellchildError(f"--out must end in .xlsx, found {str(out_file)!r}.")
    tag = resolve(language)
    path = export_workbook(tag, out_file)
    out.print(f"{catalogue(tag).status_line()}\nWorkbook for review: {path}")


@catalogue_app.command(
    "import",
    epilog="Examples:\n\n    wellchild catalogue import review-es.xlsx",
)
def catalogue_import(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A workbook from catalogue export, reviewed.")
    ],
) -> None:
    """Record a reviewed workbook in its language's catalogue: each string's translation,
    status and, for reviewed strings, who reviewed it and when. Every problem is reported
    together (row, column, value found); any problem means nothing is recorded."""
    done = import_workbook(file)
    out.print(
        f"Recorded {done.changed:,} changed string(s) in {done.path}.\n"
        f"{catalogue(done.tag).status_line()}"
    )


def register(app: typer.Typer) -> None:
    """Add the pilot's commands to the app."""
    app.command("rank", epilog=RANK_EPILOG)(rank)
    app.command("brochure", epilog=BROCHURE_EPILOG)(brochure)
    app.command("outreach", epilog=OUTREACH_EPILOG)(outreach)
    app.add_typer(referrals_app)
    app.command("evaluate", epilog=EVALUATE_EPILOG)(evaluate)
    app.add_typer(catalogue_app)
