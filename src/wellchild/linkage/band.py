"""The uncertain band: pairs below it are dropped, inside it reviewed, above it linked.

Kept apart from the linkage itself so the command line can show the defaults without
importing pandas and Splink.
"""

from __future__ import annotations

from wellchild.errors import WellchildError

REVIEW = 0.5
ACCEPT = 0.95


def check_band(review: float, accept: float) -> None:
    """Stop unless ``0 < review <= accept <= 1``."""
    if not 0.0 < review <= accept <= 1.0:
        raise WellchildError(
            f"The review band must satisfy 0 < --review <= --accept <= 1; "
            f"got --review {review} and --accept {accept}.",
            hint=f"The defaults are --review {REVIEW} --accept {ACCEPT}.",
        )
