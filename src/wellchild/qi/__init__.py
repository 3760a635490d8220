"""Run charts and control charts for quality improvement.

:func:`qi_chart` computes the per-point table: centre line, 3-sigma limits, and the Anhøj
and IHI rules. docs/qi.md explains the charts and their formulas.
"""

from wellchild.qi.catalogue import CHART_TYPES, RULE_SETS, ChartType, RuleSet
from wellchild.qi.chart import POINT_COLUMNS, QIChart, qi_chart
from wellchild.qi.errors import QIChartError

__all__ = [
    "CHART_TYPES",
    "POINT_COLUMNS",
    "RULE_SETS",
    "ChartType",
    "QIChart",
    "QIChartError",
    "RuleSet",
    "qi_chart",
]
