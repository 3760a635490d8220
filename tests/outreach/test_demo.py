"""The demo's pilot step ranks, builds three folders and writes the evaluation."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from rich.console import Console

from wellchild.outreach import audit
from wellchild.outreach.demo import RECRUITED, run


def test_demo_step_writes_every_output(outreach_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    shutil.copy(outreach_db, db)
    console = Console(file=io.StringIO(), width=120)
    outputs = run(db, 2024, tmp_path / "pilot", console)
    folders = [p for label, p in outputs.items() if label.startswith("Outreach")]
    assert len(folders) == RECRUITED
    assert all((f / "gap_list.pdf").is_file() for f in folders)
    assert outputs["Evaluation (PDF)"].is_file()
    assert outputs["Rank chart"].suffix == ".png"
    assert [e["practice_id"] for e in audit.read(db)] == [f.name for f in folders]


def test_the_folders_name_the_cohort_the_evaluation_follows(
    outreach_db: Path, tmp_path: Path
) -> None:
    """The demo builds its folders on the programme start, so the children they name are
    exactly the cohort at the head of the evaluation's flow."""
    import pandas as pd

    db = tmp_path / "store.duckdb"
    shutil.copy(outreach_db, db)
    outputs = run(db, 2024, tmp_path / "pilot", Console(file=io.StringIO(), width=120))
    named = sum(
        len(pd.read_csv(p / "gap_list.csv", dtype=str))
        for label, p in outputs.items()
        if label.startswith("Outreach")
    )
    flow = pd.read_csv(outputs["Evaluation (PDF)"].parent / "funnel.csv")
    assert named > 0
    assert int(flow["children"].iloc[0]) == named or named <= 10
