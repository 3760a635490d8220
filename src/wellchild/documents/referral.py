"""One child's dental referral form: the family's copy in its language, the office's in
English. A form is plain data (``language``, ``child``, ``practice``, ``dentists``),
made by :func:`referral_form` from a gap-list row (the outreach folders and the hub's
portal both call it); :func:`referral_data` turns it into what the template prints.
Documents come before outreach: they take plain values and import nothing of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wellchild.documents.catalogue import SOURCE, Catalogue, catalogue, language_name
from wellchild.documents.typeset import language_data

FORM_KEYS = ("language", "child", "practice", "dentists")
# The strings a referral form prints (its footer counts these, not the whole catalogue).
REFERRAL_KEYS = "form."


@dataclass(frozen=True)
class Practice:
    """What the documents print about a practice."""

    id: str
    name: str
    phone: str
    county_fips: str


def _text(value: object) -> str:
    """A value as printed: a missing one (None, NaN) is empty, never "nan"."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def referral_form(row: Any, practice: Practice, dental: Mapping[str, str]) -> dict[str, Any]:
    """The referral form of one gap-list child: the family's language, the child, the
    practice and the dentists (``row.dentists``); when none fits, the state dental line
    (``dental``: its ``label``, ``phone`` and ``web``)."""
    return {
        "language": str(row.language),
        "child": {
            "name": f"{_text(row.first_name)} {_text(row.last_name)}".strip(),
            "birth_date": row.birth_date.isoformat(),
            "member_id": str(row.member_id),
        },
        "practice": {
            "name": practice.name,
            "phone": practice.phone,
            "clinician": _text(row.pcp_name),
        },
        "dentists": list(row.dentists)
        or [{"name": dental["label"], "address": dental.get("web", ""),
             "phone": dental["phone"], "languages": [], "distance": ""}],
    }  # fmt: skip


def copies(tag: str) -> list[dict[str, str]]:
    """The copies of a form in language ``tag``: the family's, then the office's, each
    labelled in its own language."""
    family, office = catalogue(tag), catalogue(SOURCE)
    return [
        {"tag": family.tag, "label": f"{family.text('form.family_copy')} · {family.name}"},
        {"tag": SOURCE, "label": f"{office.text('form.office_copy')} · {office.name}"},
    ]


def dentist_cells(office: Mapping[str, Any], cat: Catalogue) -> dict[str, str]:
    """A dentist's row of a form, written in the catalogue's language: the languages
    the office speaks by their names in that language, the distance in miles, and the
    name marked when nobody knows whether the office takes new patients. ``office``
    has ``name``, ``address``, ``phone``, and ``languages`` (tags, as a list or
    separated by ``;`` or ``,``) with ``miles`` (a number) or ``distance`` (text)."""
    if any(isinstance(v, dict) for v in office.values()):  # already written for each copy
        return {k: v if not isinstance(v, dict) else v.get(cat.typst_lang[0], "")
                for k, v in office.items()}  # fmt: skip
    raw = office.get("languages") or []
    tags = raw if isinstance(raw, list) else [t for t in str(raw).replace(",", ";").split(";")]
    names = [language_name(t.strip(), cat.tag) for t in tags if str(t).strip()]
    miles = office.get("miles")
    if isinstance(miles, int | float):
        distance = cat.text("form.miles").replace("{n}", f"{miles:.1f}")
    else:
        distance = str(office.get("distance") or "")
    unknown = "accepting" in office and office["accepting"] is None
    return {
        "name": str(office["name"]) + (" *" if unknown else ""),
        "address": str(office.get("address") or ""),
        "phone": str(office.get("phone") or ""),
        "languages": ", ".join(names),
        "distance": distance,
    }


def localised(form: Mapping[str, Any]) -> dict[str, Any]:
    """``form`` with its dentists' rows written for each copy: the languages and the
    distance in the family's language and in English, keyed by Typst's language code,
    so the family's copy and the office's each print their own."""
    family, office = catalogue(str(form["language"])), catalogue(SOURCE)
    rows = []
    for d in form["dentists"]:
        own, english = dentist_cells(d, family), dentist_cells(d, office)
        row: dict[str, Any] = dict(own)
        for column in ("languages", "distance"):
            if own[column] or english[column]:
                row[column] = {office.typst_lang[0]: english[column],
                               family.typst_lang[0]: own[column]}  # fmt: skip
        rows.append(row)
    return {**form, "dentists": rows}


def referral_data(form: Mapping[str, Any], *, note: str) -> dict[str, Any]:
    """What referral.typ prints for ``form``; the footer gives the translation's status,
    then ``note`` (the practice and date)."""
    family = catalogue(str(form["language"]))
    return {
        **language_data(family),
        **{key: form[key] for key in FORM_KEYS},
        "dentists": localised(form)["dentists"],
        "title": f"Dental referral {form['child']['member_id']}",
        "footer": f"{family.status_line(REFERRAL_KEYS)} · {note}",
        "copies": copies(family.tag),
        "langs": {family.tag: language_data(family), SOURCE: language_data(catalogue(SOURCE))},
    }
