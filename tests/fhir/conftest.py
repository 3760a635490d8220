"""Shared samples for the FHIR tests; a test needing one skips when ../shared is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from paths import SHARED

DATA = SHARED / "data"


@pytest.fixture
def sample() -> object:
    def find(name: str) -> Path:
        path = DATA / name
        if not path.is_dir():
            pytest.skip(f"shared sample {name} is not present")
        return path

    return find
