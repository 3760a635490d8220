"""Shared samples for the FHIR tests, read from ../shared beside the repository (as the
qicharts2 reference cases are); a missing sample is a failure, never a skip."""

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
            pytest.fail(f"shared sample {name} is not at {path}: clone ../shared beside the repo")
        return path

    return find
