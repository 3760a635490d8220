"""The practice's run chart of one measure: a point per published run, drawn on the
server as SVG (wellchild.qi), so the page needs no script."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from wellchild.hub.portal.models import MeasureRate
from wellchild.qi.chart import qi_chart
from wellchild.qi.errors import QIChartError
from wellchild.qi.render import to_svg


def run_chart_svg(rates: Sequence[MeasureRate], *, title: str) -> str | None:
    """A run chart of the rate (percent) by period end, with the target when the run has
    one; None when there is nothing to draw or the chart libraries are not installed."""
    points = [r for r in rates if r.denominator > 0]
    if not points:
        return None
    frame = pd.DataFrame(
        {
            "end of period": [r.period_end for r in points],
            "met": [r.numerator for r in points],
            "counted": [r.denominator for r in points],
        }
    )
    target = points[-1].target_rate
    try:
        chart = qi_chart(
            frame,
            x="end of period",
            y="met",
            n="counted",
            chart="run",
            multiply=100,
            target=None if target is None else target * 100,
            title=title,
        )
        return to_svg(chart)
    except QIChartError:
        return None
