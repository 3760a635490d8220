"""A synthetic population with separate medical and dental sources, made once."""

from __future__ import annotations

import pytest

from wellchild.synth import SynthResult, generate

YEAR = 2024
CHILDREN = 4_000  # enough pairs for F1 to mean something, small enough for a quick test


@pytest.fixture(scope="session")
def separate(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    return generate(
        tmp_path_factory.mktemp("separate"),
        children=CHILDREN,
        seed=21,
        year=YEAR,
        separate_ids=True,
    )
