"""The brochure on early dental care, in one language, with the county's phone lines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wellchild.documents.catalogue import catalogue
from wellchild.documents.typeset import language_data, write
from wellchild.outreach.regions import County, Region


def phones(region: Region, county: County | None) -> list[dict[str, str]]:
    """The phone lines a family document prints: the state dental programme, the
    county's plans and contacts."""
    lines = [{"label": region.dental.label, "phone": region.dental.phone}]
    if county is not None:
        lines += [{"label": p.label, "phone": p.phone} for p in county.plans.values()]
        lines += [{"label": c.label, "phone": c.phone} for c in county.contacts]
    return lines


def brochure_data(tag: str, region: Region, county: County | None) -> dict[str, Any]:
    cat = catalogue(tag)
    return {
        **language_data(cat),
        "title": cat.text("brochure.title"),
        "footer": cat.status_line(),
        "phones": phones(region, county),
    }


def write_brochure(tag: str, region: Region, county: County | None, path: Path) -> Path:
    """Typeset the brochure in language ``tag`` to ``path`` (.pdf or .png)."""
    return write("brochure", brochure_data(tag, region, county), path)
