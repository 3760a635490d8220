"""Synthetic populations shared by the generator's tests (made once per session)."""

from __future__ import annotations

import pandas as pd
import pytest

import reference_measures as rm
from wellchild.synth import SynthResult, generate

from .synth_setup import SMALL, YEAR


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """2,000 children as CSV: the smallest population every check must hold for."""
    return generate(tmp_path_factory.mktemp("small"), children=SMALL, seed=11, year=YEAR)


@pytest.fixture(scope="session")
def small_tables(small: SynthResult) -> dict[str, pd.DataFrame]:
    return rm.read_folder(small.out)


@pytest.fixture(scope="session")
def parquet(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """The small population again, as Parquet."""
    return generate(
        tmp_path_factory.mktemp("parquet"), children=SMALL, seed=11, year=YEAR, fmt="parquet"
    )
