"""The examples in the QI chart docstrings run."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["chart", "text"])
def test_doctests(name: str) -> None:
    module = importlib.import_module(f"wellchild.qi.{name}")
    failed, _ = doctest.testmod(module)
    assert failed == 0
