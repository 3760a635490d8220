"""`wellchild demo` end to end on a small population, as a user runs it (its own process):
every step runs and every output it names exists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from paths import ROOT


@pytest.mark.slow
def test_the_demo_runs_every_step_and_its_outputs_exist(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WELLCHILD_", "DJANGO_"))}
    done = subprocess.run(
        [sys.executable, "-m", "wellchild", "demo", "--out", str(tmp_path / "demo"),
         "--children", "3000"],
        capture_output=True, text=True, env={**env, "COLUMNS": "200"}, cwd=ROOT, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = done.stdout
    for step in range(1, 8):
        assert f"{step}. " in text, f"step {step} did not run"
    outputs = text.split("Outputs", 1)[1]
    # Files the demo wrote; hub addresses such as /data/runs/… are pages, not files.
    paths = [Path(p) for p in re.findall(re.escape(str(tmp_path)) + r"\S*", outputs)]
    assert len(paths) >= 6
    for path in paths:
        assert path.exists(), path
    assert "precision" in text
    # The pilot's story: the practices that took part recruited, their registers
    # imported, the evaluation printed with its interval and put in the hub's library.
    assert re.search(r"Recruited \d+ of the \d+ practices in the top 25", text)
    assert re.search(r"Imported [1-9][\d,]* referral statuses from \d+ registers", text)
    assert re.search(r"participating − comparison: [+-]\d+\.\d points \(95% CI [+-]", text)
    assert "Caution: with fewer than 50 practices this interval, though corrected" in text
    assert "Hub library: the pilot's evaluation report at /resources/" in text
    # The FHIR round trip runs on the sample shipped with the package, never skipped.
    assert "FHIR in: Synthea sample bundles → the six files (member 4," in text
    # Real rates and real gaps, not an empty round trip.
    assert re.search(r"wcv: [1-9]\d* of [1-9]\d* \(", text), "no well-child rate from FHIR"
    assert re.search(r"FHIR out: .* [1-9]\d* gaps-in-care bundles \([1-9]\d* open", text)
