"""One child's dental referral form: the family's copy in its language, the office's in
English. A form is plain data (``language``, ``child``, ``practice``, ``dentists``), made
by outreach from a gap list; here it becomes what the referral template prints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wellchild.documents.catalogue import SOURCE, catalogue
from wellchild.documents.typeset import language_data

FORM_KEYS = ("language", "child", "practice", "dentists")


def copies(tag: str) -> list[dict[str, str]]:
    """The copies of a form in language ``tag``: the family's, then the office's."""
    family = catalogue(tag)
    return [
        {"tag": family.tag, "label": f"Family copy · {family.name} ({family.tag})"},
        {"tag": SOURCE, "label": "Office copy · English"},
    ]


def referral_data(form: Mapping[str, Any], *, note: str) -> dict[str, Any]:
    """What referral.typ prints for ``form``; the footer gives the translation's status,
    then ``note`` (the practice and date)."""
    family = catalogue(str(form["language"]))
    return {
        **language_data(family),
        **{key: form[key] for key in FORM_KEYS},
        "title": f"Dental referral {form['child']['member_id']}",
        "footer": f"{family.status_line()} · {note}",
        "copies": copies(family.tag),
        "langs": {family.tag: language_data(family), SOURCE: language_data(catalogue(SOURCE))},
    }
