"""The pilot's part of ``wellchild demo``: rank the practices, build the folders of the
top three, and write the evaluation report with them as the participating practices.

Everything happens on the pilot's timeline: practices are ranked and their folders
built on the programme start (1 January), so the children the folders name are the
cohort the evaluation (1 January to 31 December) follows. The practice portal gets the
same practices' lists as of 31 December (``portal/``), the date of the measure run it
is published with."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.geography.regions import region
from wellchild.outreach.evaluation import evaluate
from wellchild.outreach.packets import build_folder
from wellchild.outreach.rank import rank_practices
from wellchild.outreach.rank_chart import rank_files
from wellchild.outreach.referrals import read_register
from wellchild.outreach.report import write_report

LOS_ANGELES = "06037"
RECRUITED = 3


def run(db: Path, year: int, out: Path, console: Console) -> dict[str, Path]:
    """Rank Los Angeles practices on the programme start (1 January of ``year``), build
    the outreach folders of the top three that day, and evaluate them to 31 December
    (public report); return the outputs by label."""
    as_of, start = dt.date(year, 12, 31), dt.date(year, 1, 1)
    places = region()
    engine = DuckDBEngine.open(db)
    try:
        ranking = rank_practices(
            engine, start, counties=[LOS_ANGELES], languages=places.languages([LOS_ANGELES])
        )
        ranked = rank_files(ranking, out / "rank")
        recruited = ranking.combined["practice_id"].head(RECRUITED).tolist()
        outputs = {"Practice ranking": ranked["xlsx"], "Rank chart": ranked["png"]}
        for practice_id in recruited:
            folder = build_folder(engine, db, practice_id, start, out / "outreach", places)
            console.print(
                f"{folder.practice.name} ({practice_id}): {folder.children:,} children on "
                f"the gap list, {len(folder.files):,} files"
            )
            outputs[f"Outreach {practice_id}"] = folder.path
        result = evaluate(engine, start, as_of, recruited, read_register(db))
        # The practice portal works the lists of the measure run's date (31 December),
        # the practices' current lists; the cohort folders above stay as they were.
        for practice_id in recruited:
            build_folder(engine, db, practice_id, as_of, out / "portal", places)
    finally:
        engine.close()
    report = write_report(result, out / "evaluation", public=True)
    did = result.did["estimate"]
    statuses = int(result.accounting["statuses"].iloc[-1])
    console.print(
        "Difference-in-differences in dental_after_pcp, participating − comparison: "
        + ("not estimable" if did != did else f"{did * 100:+.1f} points")
        + (
            f" ({statuses:,} referral statuses recorded)."
            if statuses
            else " (no referral statuses recorded yet: the report says so)."
        )
    )
    return {**outputs, "Evaluation (HTML)": report["html"], "Evaluation (PDF)": report["pdf"]}
