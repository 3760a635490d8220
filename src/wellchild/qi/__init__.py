"""Run charts and control charts for quality improvement.

:func:`qi_chart` computes the per-point table (centre line, 3-sigma limits, the Anhøj and
the IHI rules); :func:`chart_spec` turns it into an Altair (Vega-Lite) chart,
:func:`describe` into a plain-text summary of which rules fired where, and :func:`save`
writes it as CSV, JSON, SVG or PNG. docs/qi.md explains the charts and their formulas.

The names are loaded on first use, so the command line starts without pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wellchild.qi.catalogue import CHART_TYPES, RULE_SETS, ChartType, RuleSet
    from wellchild.qi.chart import POINT_COLUMNS, QIChart, qi_chart
    from wellchild.qi.errors import QIChartError
    from wellchild.qi.render import chart_spec, save
    from wellchild.qi.text import describe

_HOMES = {
    "CHART_TYPES": "catalogue",
    "RULE_SETS": "catalogue",
    "ChartType": "catalogue",
    "RuleSet": "catalogue",
    "POINT_COLUMNS": "chart",
    "QIChart": "chart",
    "qi_chart": "chart",
    "describe": "text",
    "QIChartError": "errors",
    "chart_spec": "render",
    "save": "render",
}

__all__ = [
    "CHART_TYPES",
    "POINT_COLUMNS",
    "RULE_SETS",
    "ChartType",
    "QIChart",
    "QIChartError",
    "RuleSet",
    "chart_spec",
    "describe",
    "qi_chart",
    "save",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'wellchild.qi' has no attribute {name!r}")
    return getattr(importlib.import_module(f"wellchild.qi.{_HOMES[name]}"), name)
