"""``wellchild publish`` and ``wellchild withdraw``: put a measure run on the hub's
dashboards, or take it off.

Django is set up inside each command (as ``wellchild hub`` does), so ``wellchild --help``
stays quick.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wellchild import config
from wellchild.errors import WellchildError
from wellchild.hub import setup, setup_site

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

PUBLISH_EPILOG = (
    "Examples:\n\n"
    '    wellchild publish --run measures-2024 --label "MY2024" --public --months 6\n\n'
    '    wellchild publish --run measures-2024 --label "MY2024" --outreach outreach\n\n'
    '    wellchild publish --run dental-2024-09 --label "Dental, September 2024" '
    "--db /secure/wellchild.duckdb"
)
WITHDRAW_EPILOG = 'Example:\n\n    wellchild withdraw --label "MY2024"'


def _django() -> None:
    """Set Django up and check the hub's database is ready for a command."""
    setup()
    setup_site.require_ready()


def _months_note(db: Path | None, months: int) -> str | None:
    """Why a run gets no monthly series, if it gets none."""
    if months == 0:
        return "No monthly series: --months 0."
    if db is None or not db.exists():
        return f"No monthly series: no store at {db} (give --db the run's store to add them)."
    return None


def publish_command(
    run_dir: Annotated[
        Path,
        typer.Option("--run", help="The run folder `wellchild measure --out` wrote."),
    ],
    label: Annotated[
        str, typer.Option(help='The name the dashboards show, e.g. "MY2025 Q3"; one per run.')
    ],
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Show the run to visitors who are not signed in. Without it, only "
            "coordinators see it, marked as a draft.",
        ),
    ] = False,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="The store the run was measured from, for the monthly series. "
            "Default: $WELLCHILD_DB, else ./wellchild.duckdb.",
            show_default=False,
        ),
    ] = None,
    outreach: Annotated[
        Path | None,
        typer.Option(
            "--outreach",
            help="Folder of per-practice outreach folders, for the practice portal. "
            "Default: RUN/outreach when it exists.",
            show_default=False,
        ),
    ] = None,
    months: Annotated[
        int,
        typer.Option(
            min=0,
            max=120,
            help="Months in the monthly series behind the run charts (0: none).",
        ),
    ] = 24,
) -> None:
    """Load a measure run into the hub: the summary's rates after the small-cell policy
    (counts 1–10 suppressed, with complementary suppression), and monthly series per
    county for the run and control charts. Publishing the same run again adds nothing,
    except gap lists given with --outreach, which the practice portal then loads."""
    # heavy: DuckDB and pandas load only when a run is published, not for `wellchild --help`
    from wellchild.engines.duckdb_store import default_db
    from wellchild.measures.runfolder import read_run

    if not label.strip():
        raise WellchildError("--label must not be empty.", hint='For example --label "MY2025"')
    folder = read_run(run_dir)
    if outreach is None and (run_dir / "outreach").is_dir():
        outreach = run_dir / "outreach"
    if outreach is not None and not outreach.is_dir():
        raise WellchildError(
            f"--outreach {outreach}: no such folder.",
            hint="Give the folder that holds one folder per practice (e.g. pilot/outreach).",
        )
    if db is not None and not db.exists():
        raise WellchildError(
            f"--db {db}: no such store.",
            hint="Give the store the run was measured from, or leave --db out to publish "
            "without monthly series when there is none.",
        )
    store = db if db is not None else default_db()
    _django()
    # Django set-up: the models load once setup() has run
    from wellchild.hub.data import monthly, publishing
    from wellchild.hub.data.models import Run

    existing = Run.objects.filter(fingerprint=folder.fingerprint).first()
    notes: list[str] = []
    series = None
    if existing is None:
        note = _months_note(store if store.exists() else None, months)
        if note is None:
            with err.status("Computing the monthly series…") as status:
                try:
                    series = publishing.prepare_series(
                        folder,
                        db=store,
                        months=months,
                        progress=lambda text: status.update(f"Monthly series: {text}"),
                    )
                except monthly.NotThisStore as exc:
                    raise WellchildError(
                        exc.message,
                        hint="Give --db the store the run was measured from, or --months 0 "
                        "to publish without monthly series.",
                    ) from None
        else:
            notes.append(note)
    try:
        outcome = publishing.publish_run(
            folder=folder,
            label=label,
            public=public,
            series=series,
            outreach_dir=outreach,
            db=store if store.exists() else None,
            notes=notes,
        )
    except publishing.LabelTaken as exc:
        raise WellchildError(
            exc.message,
            hint=f'Choose another label, e.g. --label "{exc.label} (2)", or withdraw that run '
            "first if this one replaces it.",
        ) from None
    run = outcome.run
    visibility = "public" if run.public else "a draft (coordinators only)"
    if outcome.created:
        measures = run.measures.count()
        points = sum(m.points.count() for m in run.measures.all())
        out.print(
            f"Published {run.label!r}: {measures} measure(s), {points:,} monthly points, "
            f"{visibility}."
        )
        out.print("Counts from 1 to 10, and any that would give one away, are suppressed.")
    elif outcome.reinstated:
        out.print(f"{run.label!r} was withdrawn; it is back, {visibility}.")
    elif outcome.made_public:
        out.print(f"{run.label!r} was already published as a draft; it is now public.")
    if outcome.outreach_loaded:
        out.print(
            f"This run is already published as {run.label!r} ({visibility}); the practice "
            f"portal now has the gap lists of {outreach}."
        )
    elif not (outcome.created or outcome.reinstated or outcome.made_public):
        out.print(
            f"This run is already published as {run.label!r} "
            f"({run.published_at:%Y-%m-%d %H:%M}, {visibility}); nothing was changed."
        )
        out.print(
            "To add the practices' gap lists, give their folders: wellchild publish "
            f'--run {run_dir} --label "{run.label}" --outreach DIR',
            markup=False,
        )
    for note in outcome.notes:
        out.print(note)
    site = str(config.get("hub_site_url")).rstrip("/")
    out.print(f"Dashboards: {site}/data/runs/{run.slug}/")


def withdraw_command(
    label: Annotated[
        str,
        typer.Option(
            help="The label the run was published under (case and spacing aside), or the "
            "run's address as in /data/runs/ADDRESS/."
        ),
    ],
) -> None:
    """Take a published run off the dashboards (and its member rows out of the practice
    portal). The record of it stays; publishing the same run again puts it back."""
    _django()
    # Django set-up: the models load once setup() has run
    from wellchild.hub.data import publishing

    run = publishing.withdraw_run(label=label)
    out.print(f"Withdrawn: {run.label!r}. No page shows it any more.")
