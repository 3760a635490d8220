"""``wellchild demo``'s publishing step: the demo's measure run on the dashboards and its
outreach folders in the practice portal, with the demo nurse on the biggest practice.

The demo hub keeps its database between runs of the demo. When a new demo run differs
from the one published before under the same label, the earlier one is withdrawn and
renamed, as a coordinator would do, so the label shows the newest figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Published:
    label: str
    slug: str
    nurse: str
    practice: str | None


def publish_demo(run_dir: Path, *, outreach_dir: Path, db: Path, label: str) -> Published:
    """Publish ``run_dir`` publicly as ``label`` and attach the demo practice login."""
    from wellchild.hub.data import publishing
    from wellchild.hub.data.models import Run
    from wellchild.hub.portal.demo import attach_demo_staff
    from wellchild.measures.runfolder import read_run

    folder = read_run(run_dir)
    earlier = Run.objects.filter(label=label).exclude(fingerprint=folder.fingerprint).first()
    if earlier is not None:
        if earlier.withdrawn_at is None:
            publishing.withdraw_run(label=label)
            earlier.refresh_from_db()
        earlier.label = f"{label}, withdrawn {earlier.withdrawn_at:%Y-%m-%d %H:%M:%S}"
        earlier.save(update_fields=["label"])
    series = None
    if not Run.objects.filter(fingerprint=folder.fingerprint).exists():
        series = publishing.prepare_series(folder, db=db, months=publishing.DEFAULT_MONTHS)
    outcome = publishing.publish_run(
        folder=folder, label=label, public=True, series=series, outreach_dir=outreach_dir, db=db
    )
    staff = attach_demo_staff()
    return Published(
        label=outcome.run.label, slug=outcome.run.slug, nurse=staff.email, practice=staff.practice
    )
