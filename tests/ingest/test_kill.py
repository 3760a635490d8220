"""A load killed with SIGKILL at any moment leaves the store exactly as it was, or holds
the whole new load — never a mix. Real subprocesses, real kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from paths import DATA
from wellchild.engines.duckdb_load import load_folder
from wellchild.engines.duckdb_store import open_store
from wellchild.synth import generate

FRACTIONS = (0.15, 0.3, 0.5, 0.7, 0.85, 0.95, 1.0)


def _state(db: Path) -> dict[str, str] | None:
    if not db.exists():
        return None
    with open_store(db) as store:
        return {t: store.fingerprint(t) for t in store.table_names() if t != "meta__load"}


def _load(folder: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLCHILD_")}
    return subprocess.Popen(
        [sys.executable, "-m", "wellchild", "load", str(folder), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float, dict[str, str]]:
    """A synthetic folder big enough that a load takes seconds, its load time, and the
    store a finished load of it gives."""
    work = tmp_path_factory.mktemp("kill")
    folder = generate(work / "in", children=20_000, seed=11, year=2024, fmt="csv").out
    db = work / "reference.duckdb"
    started = time.perf_counter()
    assert _load(folder, db).wait() == 0
    seconds = time.perf_counter() - started
    state = _state(db)
    assert state is not None
    return folder, seconds, state


@pytest.mark.slow
def test_a_killed_load_leaves_the_previous_load_or_the_new_one(
    big: tuple[Path, float, dict[str, str]], tmp_path: Path
) -> None:
    folder, seconds, loaded = big
    db = tmp_path / "store.duckdb"
    load_folder(DATA / "valid", db)
    previous = _state(db)
    outcomes = []
    for fraction in FRACTIONS:
        process = _load(folder, db)
        time.sleep(seconds * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = _state(db)
        assert state in (previous, loaded), f"a kill at {fraction:.0%} left a mixed store"
        outcomes.append("previous" if state == previous else "new")
        if state == loaded:  # start the next round from the previous load again
            load_folder(DATA / "valid", db)
    assert "previous" in outcomes, "no kill landed during a load; the test proves nothing"
    assert load_folder(folder, db).rows["medical_claim"] > 0  # the store still loads


def test_a_killed_first_load_leaves_no_store_or_a_whole_one(
    big: tuple[Path, float, dict[str, str]], tmp_path: Path
) -> None:
    folder, seconds, loaded = big
    for index, fraction in enumerate((0.3, 0.7, 0.95)):
        db = tmp_path / f"first{index}.duckdb"
        process = _load(folder, db)
        time.sleep(seconds * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _state(db) in (None, loaded)
        load_folder(DATA / "valid", db)  # a later load cleans up after the killed one
        assert list(tmp_path.glob(f".first{index}.duckdb.loading-*")) == []
