"""Public FHIR samples for the FHIR tests, in tests/data (each with a README giving its
source and licence); a missing sample is a failure, never a skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from paths import DATA


@pytest.fixture
def sample() -> object:
    def find(name: str) -> Path:
        path = DATA / name
        if not path.is_dir():
            pytest.fail(f"FHIR sample {name} is not at {path}")
        return path

    return find
