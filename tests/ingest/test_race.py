"""Two loads at once into one store: whichever load does not end up in the store must
not report success. Real subprocesses started together, into a new path and into an
existing store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from paths import DATA
from wellchild.engines.duckdb_load import load_folder
from wellchild.engines.duckdb_store import open_store
from wellchild.synth import generate


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two different inputs, big enough that each load takes a second or more."""
    work = tmp_path_factory.mktemp("race")
    one = generate(work / "one", children=3_000, seed=1, year=2024, fmt="csv").out
    two = generate(work / "two", children=3_000, seed=2, year=2024, fmt="csv").out
    return one.resolve(), two.resolve()


def _race(folders: tuple[Path, Path], db: Path) -> list[tuple[int, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WELLCHILD_")}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "wellchild", "load", str(folder), "--db", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        for folder in folders
    ]
    return [(p.wait(timeout=300), p.stderr.read().decode() if p.stderr else "") for p in processes]


def _loaded_from(db: Path) -> Path:
    with open_store(db) as store:
        source = store.status().source
    assert source is not None
    return Path(source)


def _check(folders: tuple[Path, Path], db: Path, outcomes: list[tuple[int, str]]) -> None:
    codes = [code for code, _ in outcomes]
    assert all(code in (0, 2) for code in codes), outcomes
    assert "Traceback" not in "".join(text for _, text in outcomes)
    assert 0 in codes, outcomes
    held = _loaded_from(db)
    for folder, (code, text) in zip(folders, outcomes, strict=True):
        if folder != held:
            assert code == 2, f"the load of {folder.name} is not in the store but exited 0"
            assert "another" in text.lower()
    assert list(db.parent.glob(f".{db.name}.loading-*")) == []


@pytest.mark.slow
def test_two_first_loads_into_a_new_path(folders: tuple[Path, Path], tmp_path: Path) -> None:
    for round_ in range(2):
        db = tmp_path / f"new{round_}.duckdb"
        _check(folders, db, _race(folders, db))


@pytest.mark.slow
def test_two_loads_into_an_existing_store(folders: tuple[Path, Path], tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    load_folder(DATA / "valid", db)
    _check(folders, db, _race(folders, db))
