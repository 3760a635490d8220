"""The examples in the generator's docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "assignment",
    "columns",
    "dates",
    "generator",
    "ids",
    "names",
    "noise",
    "population",
    "sources",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"wellchild.synth.{name}")
    failed, _ = doctest.testmod(module)
    assert failed == 0
