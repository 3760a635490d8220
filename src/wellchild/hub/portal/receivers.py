"""What the portal does when a run is published or withdrawn (``wellchild.hub.data.signals``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wellchild.hub.data.models import Run
from wellchild.hub.portal.loading import Loaded, drop_run, load_run


def published(
    sender: Any,
    *,
    run: Run,
    run_dir: Path,
    outreach_dir: Path | None = None,
    db: Path | None = None,
    **kwargs: Any,
) -> Loaded:
    """Load the run's practices, rates and gap lists; a problem stops the publication."""
    return load_run(
        run=run,
        run_dir=Path(run_dir),
        outreach_dir=Path(outreach_dir) if outreach_dir is not None else None,
        db=Path(db) if db is not None else None,
    )


def withdrawn(sender: Any, *, run: Run, **kwargs: Any) -> None:
    """Drop the run's named children and rates; outreach records stay."""
    drop_run(run=run)
