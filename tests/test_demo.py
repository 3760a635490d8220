"""`wellchild demo` end to end on a small population: every step runs and every output it
names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console

from wellchild.demo import run_demo


@pytest.mark.slow
def test_the_demo_runs_every_step_and_its_outputs_exist(tmp_path: Path) -> None:
    console = Console(record=True, width=200)
    run_demo(tmp_path / "demo", children=3_000, console=console)
    text = console.export_text()
    for step in range(1, 8):
        assert f"{step}. " in text, f"step {step} did not run"
    outputs = text.split("Outputs", 1)[1]
    paths = [Path(p) for p in re.findall(r"(/\S+)", outputs)]
    assert len(paths) >= 6
    for path in paths:
        assert path.exists(), path
    assert "precision" in text
