"""The measure totals as a table for the terminal (``wellchild measure`` and the demo)."""

from __future__ import annotations

import pandas as pd
from rich import box
from rich.table import Table

from wellchild.rounding import percent_text


def measure_table(summary: pd.DataFrame, *, baseline: bool) -> Table:
    """The total of each measure: counts, rate and 95% interval, and with a baseline the
    baseline rate, the target and the progress towards it (all in percent; progress is
    the share of the way from the baseline to the target)."""
    table = Table(
        title="Measures, total (rates in percent)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
    )
    table.add_column("measure", no_wrap=True)
    for name in ("n", "met", "rate", "95% CI"):
        table.add_column(name, justify="right", no_wrap=True)
    if baseline:
        for name in ("base", "target", "progress"):
            table.add_column(name, justify="right", no_wrap=True)
    totals = summary[summary["dimension"] == "total"]
    for row in totals.itertuples():
        cells = [
            str(row.measure_id),
            _count(row.denominator),
            _count(row.numerator),
            _pct(row.rate),
            _interval(row.ci_low, row.ci_high),
        ]
        if baseline:
            cells += [_pct(row.baseline_rate), _pct(row.target_rate), _pct(row.progress)]
        table.add_row(*cells)
    return table


def _count(value: object) -> str:
    """A count, or "hidden" where a public table suppressed it."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return "hidden" if pd.isna(number) else f"{int(number):,}"


def _pct(value: object) -> str:
    """A proportion in percent, "–" where there is none."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return "–" if pd.isna(number) else percent_text(float(number))


def _interval(low: object, high: object) -> str:
    shown = _pct(low), _pct(high)
    return "–" if "–" in shown else "–".join(shown)
