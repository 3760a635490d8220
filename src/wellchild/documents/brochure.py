"""The brochure on early dental care, in one language, with the phone lines it is given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from wellchild.documents.catalogue import catalogue
from wellchild.documents.typeset import language_data, write


def brochure_data(tag: str, phones: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """What brochure.typ prints: the language's strings and the phone lines (each a
    ``label`` and a ``phone``)."""
    cat = catalogue(tag)
    return {
        **language_data(cat),
        "title": cat.text("brochure.title"),
        "footer": cat.status_line(),
        "phones": [{"label": p["label"], "phone": p["phone"]} for p in phones],
    }


def write_brochure(tag: str, phones: Sequence[Mapping[str, str]], path: Path) -> Path:
    """Typeset the brochure in language ``tag`` to ``path`` (.pdf or .png)."""
    return write("brochure", brochure_data(tag, phones), path)
