"""The improvement teams' work: recording a team's PDSA cycles and aims.

Putting a run on the dashboards and taking it off are :mod:`wellchild.hub.data.publishing`.
"""

from __future__ import annotations

from typing import Any

from wellchild.hub.data.models import Aim, Cycle, Team


def record_work(*, item: Cycle | Aim, team: Team, by: Any) -> None:
    """Save a team's cycle or aim as edited; a new cycle keeps who recorded it."""
    item.team = team
    if isinstance(item, Cycle) and item.created_by_id is None:
        item.created_by = by
    item.save()
