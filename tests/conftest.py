"""Shared fixtures: paths of the test data and a temporary store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paths import DATA


@pytest.fixture
def valid_dir(tmp_path: Path) -> Path:
    """A writable copy of the small valid input folder."""
    target = tmp_path / "input"
    shutil.copytree(DATA / "valid", target)
    return target


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"
