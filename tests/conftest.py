"""Shared fixtures: paths of the test data, a temporary store, and the calibration
population that the generator's and the measures' tests both read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import reference_measures as rm
from paths import DATA
from synth.synth_setup import CALIBRATION, YEAR
from wellchild.synth import SynthResult, generate


@pytest.fixture
def valid_dir(tmp_path: Path) -> Path:
    """A writable copy of the small valid input folder."""
    target = tmp_path / "input"
    shutil.copytree(DATA / "valid", target)
    return target


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "store.duckdb"


@pytest.fixture(scope="session")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """20,000 children as CSV, enough for the rates to be read."""
    return generate(tmp_path_factory.mktemp("calibrated"), children=CALIBRATION, seed=3, year=YEAR)


@pytest.fixture(scope="session")
def calibrated_tables(calibrated: SynthResult) -> dict[str, pd.DataFrame]:
    return rm.read_folder(calibrated.out)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest tests (marked ``slow``) first, so that with ``-n 2`` they do not start
    last and leave one worker waiting on them at the end."""
    items.sort(key=lambda item: "slow" not in item.keywords)
