"""The brochure on early dental care, in one language, with the phone lines it is given."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from wellchild.documents.catalogue import Catalogue, catalogue
from wellchild.documents.typeset import language_data, write

# The strings a brochure prints (its footer counts these).
BROCHURE_KEYS = ("brochure.", "phone.")


def phone_label(line: Mapping[str, str], cat: Catalogue) -> str:
    """A phone line's label in the catalogue's language: what the line is for, from the
    catalogue, then the plan's or county's own name. A line without a ``kind`` keeps
    its label as given."""
    kind = line.get("kind")
    if kind == "dental":
        return cat.text("phone.dental")
    if kind == "ffs":
        return cat.text("phone.ffs")
    if kind == "dental_plan":
        return f"{cat.text('phone.dental_plan')}: {line['label']}"
    if kind == "plan":
        return f"{cat.text('phone.plan')}: {line['label']}"
    if kind == "county":
        return f"{cat.text('phone.county')}: {line['label']}"
    return str(line["label"])


def brochure_data(tag: str, phones: Sequence[Mapping[str, str]]) -> dict[str, Any]:
    """What brochure.typ prints: the language's strings and the phone lines (each a
    ``label``, a ``phone`` and the ``kind`` of line that words its label)."""
    cat = catalogue(tag)
    return {
        **language_data(cat),
        "title": cat.text("brochure.title"),
        "footer": cat.status_line(BROCHURE_KEYS),
        "phones": [{"label": phone_label(p, cat), "phone": p["phone"]} for p in phones],
    }


def write_brochure(tag: str, phones: Sequence[Mapping[str, str]], path: Path) -> Path:
    """Typeset the brochure in language ``tag`` to ``path`` (.pdf or .png)."""
    return write("brochure", brochure_data(tag, phones), path)
