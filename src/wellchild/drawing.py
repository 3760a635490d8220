"""What every chart wellchild draws shares: its font, and the check that the drawing
libraries are installed.

QI charts (:mod:`wellchild.qi.render`), the practice ranking and the evaluation report
all draw with Altair; keeping these here lets each of them depend on this module rather
than on one another.
"""

from __future__ import annotations

import importlib.util

from wellchild.errors import WellchildError

FONT = "Noto Sans"


def require_altair() -> None:
    """Stop with a message naming the ``docs`` extra when Altair or vl-convert, which
    every chart wellchild draws needs (QI charts, the practice ranking, the evaluation
    report), is not installed, instead of failing on an import."""
    if importlib.util.find_spec("altair") is None or importlib.util.find_spec("vl_convert") is None:
        raise WellchildError(
            "drawing charts needs Altair and vl-convert, which are not installed.",
            hint="pip install 'wellchild[docs]'",
        )
