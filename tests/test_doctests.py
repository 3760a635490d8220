"""Every example in the docstrings of src/ runs as written.

The modules with examples are found by reading the source (``>>>``), so a new example is
run without being listed. The hub's modules import with Django configured (pytest-django
sets it up from ``DJANGO_SETTINGS_MODULE`` before the tests are collected)."""

from __future__ import annotations

import doctest
import importlib

import pytest

from paths import ROOT

SRC = ROOT / "src"
WITH_EXAMPLES = sorted(
    ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
    for path in (SRC / "wellchild").rglob("*.py")
    if ">>> " in path.read_text(encoding="utf-8")
)


def test_examples_are_found() -> None:
    assert {"wellchild.qi.chart", "wellchild.measures.blocks", "wellchild.hub.conf"} <= set(
        WITH_EXAMPLES
    )


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    failed, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0, f"{name} has no example doctest can find"
    assert failed == 0
