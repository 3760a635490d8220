"""The referral register: checked like every input, merged idempotently, exported per
practice, and every import and export audited."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from wellchild.cli import app
from wellchild.engines.duckdb_engine import DuckDBEngine
from wellchild.outreach import audit
from wellchild.outreach.referrals import current, read_register


@pytest.fixture
def store(outreach_db: Path, tmp_path: Path) -> Path:
    """A private copy of the store, so registers and audit logs start empty."""
    target = tmp_path / "store.duckdb"
    shutil.copy(outreach_db, target)
    return target


def members(store: Path, n: int) -> list[str]:
    engine = DuckDBEngine.open(store)
    try:
        ids = engine.to_arrow(engine.inputs().member.select("member_id").order_by("member_id"))
    finally:
        engine.close()
    return [str(v) for v in ids.column("member_id").to_pylist()[:n]]


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def test_import_merges_and_export_gives_latest_status(store: Path, tmp_path: Path) -> None:
    a, b, c = members(store, 3)
    rows = [
        {"member_id": a, "practice_id": "P1", "status": "given", "status_date": "2024-02-01"},
        {"member_id": a, "practice_id": "P1", "status": "appointment made",
         "status_date": "2024-02-03", "appointment_date": "2024-03-01"},
        {"member_id": a, "practice_id": "P1", "status": "seen", "status_date": "2024-03-01"},
        {"member_id": b, "practice_id": "P1", "status": "Unreachable", "status_date": "2024-02-20"},
        {"member_id": c, "practice_id": "P2", "status": "given", "status_date": "2024-02-01"},
        {"member_id": c, "practice_id": "P2", "status": "", "status_date": ""},
    ]  # fmt: skip
    file = write(tmp_path / "register.csv", rows)
    runner = CliRunner()
    first = runner.invoke(app, ["referrals", "import", str(file), "--db", str(store)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, ["referrals", "import", str(file), "--db", str(store)])
    assert "(0 new" in again.output
    assert len(read_register(store)) == 5
    latest = current(read_register(store), ["P1"])
    assert latest.sort_values("member_id")[["member_id", "status"]].values.tolist() == sorted(
        [[a, "seen"], [b, "unreachable"]]
    )
    out = tmp_path / "p1.csv"
    exported = runner.invoke(
        app, ["referrals", "export", "--practice", "P1", "--out", str(out), "--db", str(store)]
    )
    assert exported.exit_code == 0, exported.output
    assert sorted(pd.read_csv(out, dtype=str)["member_id"]) == sorted([a, b])
    actions = [(e["action"], e["practice_id"]) for e in audit.read(store)]
    assert actions == [("referrals import", None), ("referrals import", None),
                       ("referrals export", "P1")]  # fmt: skip


def test_a_bad_file_reports_every_problem_and_imports_nothing(store: Path, tmp_path: Path) -> None:
    (a,) = members(store, 1)
    rows = [
        {"member_id": a, "practice_id": "P1", "status": "maybe", "status_date": "2024-02-01"},
        {"member_id": a, "practice_id": "P1", "status": "given", "status_date": "01/02/2024"},
        {"member_id": "NOBODY", "practice_id": "P1", "status": "seen", "status_date": "2024-02-01"},
        {"member_id": a, "practice_id": "", "status": "seen", "status_date": "2999-01-01"},
    ]
    file = write(tmp_path / "bad.csv", rows)
    result = CliRunner().invoke(app, ["referrals", "import", str(file), "--db", str(store)])
    message = str(result.exception)
    assert "column status: 1 row(s) are not one of" in message
    assert "unreachable (rows 2)" in message
    assert "status_date: 1 row(s) are not dates as YYYY-MM-DD (rows 3)" in message
    assert "member_id: 1 row(s) name no child in the store (rows 4)" in message
    assert "practice_id: 1 row(s) are empty (rows 5)" in message
    assert "status_date: 1 row(s) are in the future (rows 5)" in message
    assert read_register(store).empty


def test_a_file_without_the_columns_is_refused(store: Path, tmp_path: Path) -> None:
    file = tmp_path / "x.csv"
    file.write_text("child,when\nA,2024-01-01\n")
    result = CliRunner().invoke(app, ["referrals", "import", str(file), "--db", str(store)])
    assert "missing column(s) member_id, practice_id, status, status_date" in str(result.exception)
