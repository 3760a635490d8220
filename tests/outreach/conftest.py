"""A small synthetic population, loaded once for the outreach tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from wellchild.engines.duckdb_load import load_folder
from wellchild.synth import generate

YEAR = 2024
CHILDREN = 3000


@pytest.fixture(scope="session")
def outreach_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of 3,000 synthetic children (about 600 aged 1–5)."""
    folder = tmp_path_factory.mktemp("outreach")
    generate(folder / "input", children=CHILDREN, seed=11, year=YEAR)
    db = folder / "store.duckdb"
    load_folder(folder / "input", db)
    return db
