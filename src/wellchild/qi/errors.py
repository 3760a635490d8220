"""The error a QI chart raises when its input or options cannot make a chart."""

from __future__ import annotations

from wellchild.errors import InputError


class QIChartError(InputError):
    """The data or the options cannot make the chart asked for; the message says why."""
