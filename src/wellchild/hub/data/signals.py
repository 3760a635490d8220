"""What publishing tells the rest of the hub.

``wellchild publish`` loads the aggregates itself and sends ``run_published`` inside the
same transaction, so the practice portal loads the member-level rows of the run with it,
all or nothing; ``run_withdrawn`` likewise when a run is withdrawn. Receivers get
``run`` (the Run row), and for ``run_published`` also ``run_dir`` (the measure output
folder), ``outreach_dir`` (a folder of per-practice outreach folders, or None) and ``db``
(the store the run was computed from, or None).
"""

from __future__ import annotations

from django.dispatch import Signal

run_published = Signal()
run_withdrawn = Signal()
