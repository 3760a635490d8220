"""The pilot's part of ``wellchild demo``: rank the practices, recruit, build the
recruited practices' folders, import the registers they send back, and write the
evaluation report with them as the participating practices.

With a synthetic population that carries a pilot (``wellchild synth --pilot-practices``,
whose ``pilot/`` folder is passed here) the recruited practices are those that took part
and their registers are imported; without one, the top three are recruited and no
register comes back.

Everything happens on the pilot's timeline: practices are ranked and their folders
built on the programme start (1 January), so the children the folders name are the
cohort the evaluation (1 January to 31 December) follows. The practice portal gets the
first three recruited practices' lists as of 31 December (``portal/``), the date of the
measure run it is published with."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.console import Console

from wellchild.engines.base import Engine
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.geography.regions import region
from wellchild.outreach import audit
from wellchild.outreach.evaluation import Evaluation, evaluate
from wellchild.outreach.packets import build_folder
from wellchild.outreach.rank import rank_practices
from wellchild.outreach.rank_chart import rank_files
from wellchild.outreach.referrals import import_file, read_register, register_path, roster
from wellchild.outreach.report import FEW_PRACTICES, write_report

LOS_ANGELES = "06037"
RECRUITED = 3  # recruited without a pilot; practices whose lists go to the portal


def run(
    db: Path, year: int, out: Path, console: Console, *, pilot: Path | None = None
) -> dict[str, Path]:
    """Rank Los Angeles practices on the programme start (1 January of ``year``), recruit
    (the practices of ``pilot/practices.txt``, else the top three), build their outreach
    folders that day, import ``pilot/<practice>/referral_register.csv``, and evaluate
    them to 31 December (public report); return the outputs by label."""
    as_of, start = dt.date(year, 12, 31), dt.date(year, 1, 1)
    places = region()
    engine = DuckDBEngine.open(db)
    try:
        ranking = rank_practices(
            engine, start, counties=[LOS_ANGELES], languages=places.languages([LOS_ANGELES])
        )
        ranked = rank_files(ranking, out / "rank")
        recruited = _recruit(ranking.combined["practice_id"].tolist(), pilot, console)
        outputs = {"Practice ranking": ranked["xlsx"], "Rank chart": ranked["png"]}
        for practice_id in recruited:
            folder = build_folder(engine, db, practice_id, start, out / "outreach", places)
            console.print(
                f"{folder.practice.name} ({practice_id}): {folder.children:,} children on "
                f"the gap list, {len(folder.files):,} files"
            )
            outputs[f"Outreach {practice_id}"] = folder.path
        if pilot is not None:
            _import_registers(engine, db, pilot, recruited, console)
        result = evaluate(engine, start, as_of, recruited, read_register(db))
        # The practice portal works the lists of the measure run's date (31 December),
        # the practices' current lists; the cohort folders above stay as they were.
        for practice_id in recruited[:RECRUITED]:
            build_folder(engine, db, practice_id, as_of, out / "portal", places)
    finally:
        engine.close()
    report = write_report(result, out / "evaluation", public=True)
    console.print(outcome_lines(result))
    return {**outputs, "Evaluation (HTML)": report["html"], "Evaluation (PDF)": report["pdf"]}


def _recruit(top: list[str], pilot: Path | None, console: Console) -> list[str]:
    """The practices that took part: the pilot's, each of them in the top list."""
    if pilot is None:
        return top[:RECRUITED]
    took_part = (pilot / "practices.txt").read_text().split()
    outside = [p for p in took_part if p not in top]
    if outside:
        raise AssertionError(f"pilot practices outside the top list: {outside}")
    console.print(
        f"Recruited {len(took_part)} of the {len(top)} practices in the top 25 by number or "
        f"share of non-utilizers: {', '.join(took_part)}."
    )
    return took_part


def _import_registers(
    engine: Engine, db: Path, pilot: Path, recruited: list[str], console: Console
) -> None:
    """Import the registers the practices sent back, as ``wellchild referrals import``."""
    register_path(db).unlink(missing_ok=True)  # the demo starts a fresh register
    people = roster(engine)
    rows = 0
    for practice_id in recruited:
        path = pilot / practice_id / "referral_register.csv"
        done = import_file(path, db, people)
        audit.record(db, action="referrals import", practice_id=None, children=done.rows,
                     files=[path, done.register])  # fmt: skip
        rows += done.rows
    console.print(f"Imported {rows:,} referral statuses from {len(recruited)} registers.")


def outcome_lines(result: Evaluation) -> str:
    """The evaluation in a few lines: the outcome per group and period, and the DiD."""
    rates = {(str(r["group"]), str(r["period"])): r for r in result.rates.to_dict("records")}
    count = result.practices["group"].value_counts()
    lines = []
    for group in ("participating", "comparison"):
        before, after = rates[(group, "before")], rates[(group, "after")]
        lines.append(
            f"dental_after_pcp at the {int(count.get(group, 0))} {group} practices: "
            f"{_pct(before['rate'])} before (n = {int(before['denominator']):,}), "
            f"{_pct(after['rate'])} after (n = {int(after['denominator']):,}, 95% CI "
            f"{_pct(after['ci_low'])}–{_pct(after['ci_high'])})"
        )
    did = result.did
    statuses = int(result.accounting["statuses"].iloc[-1])
    if did["estimate"] != did["estimate"]:
        lines.append("Difference-in-differences: not estimable.")
    else:
        lines.append(
            f"Difference-in-differences, participating − comparison: "
            f"{100 * did['estimate']:+.1f} points (95% CI {100 * did['ci_low']:+.1f} to "
            f"{100 * did['ci_high']:+.1f}; {int(did['practices'])} practices, "
            f"{did['df']:.1f} degrees of freedom)"
            + (
                f"; {statuses:,} referral statuses recorded."
                if statuses
                else "; no referral statuses recorded yet: the report says so."
            )
        )
        if did["practices"] < FEW_PRACTICES:
            lines.append(
                f"Caution: with fewer than {FEW_PRACTICES} practices this interval, though "
                "corrected for few practices, is still a little narrow; read it as a "
                "direction to confirm (the report's summary says why)."
            )
    return "\n".join(lines)


def _pct(value: float) -> str:
    return "–" if value != value else f"{100 * value:.1f}%"
