"""A recruited practice's outreach folder: gap list, referral forms, brochures, protocol.

One folder per practice, built from that practice's gap list only, so no child of
another practice can enter it. Each build is written to the audit log.

    OUT/<practice_id>/
      gap_list.csv  gap_list.xlsx  gap_list.pdf
      referral_register.csv        the children, ready for statuses (wellchild referrals import)
      protocol.pdf
      brochures/brochure-<tag>.pdf one per language of the practice's families
      referrals/<member_id>.pdf    family copy in the family's language, office copy in English
      packets.pdf                  every child's form, each followed by the family's brochure
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from wellchild.documents.brochure import brochure_data, write_brochure
from wellchild.documents.catalogue import catalogue, language_name
from wellchild.documents.packets import PacketPrinter
from wellchild.documents.referral import Practice, dentist_cells, referral_data, referral_form
from wellchild.documents.typeset import language_data, write
from wellchild.engines.base import Engine
from wellchild.errors import WellchildError
from wellchild.geography.regions import Region
from wellchild.outreach import audit
from wellchild.outreach.gaps import flat, gap_list
from wellchild.outreach.rank import practices
from wellchild.outreach.referrals import blank_register
from wellchild.outreach.sheets import write_xlsx

GAP_PDF_COLUMNS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("Child", lambda r: f"{r.last_name}, {r.first_name}\n{r.member_id}\n"
                        f"born {r.birth_date} ({r.age_years} y)"),
    ("Language", lambda r: r.language_name),
    ("Guardian / phone", lambda r: f"{_text(r.guardian_name) or 'no guardian recorded'}\n"
                                   f"{_text(r.phone) or 'no phone'}"),
    ("Address", lambda r: f"{_text(r.address)}\n{_text(r.city)} {_text(r.zip)}".strip()
                          or "no address"),
    ("Clinician / plan", lambda r: f"{_text(r.pcp_name) or 'no clinician assigned'}\n"
                                   f"{r.plan_name}"),
    ("Last dental", lambda r: _date(r.last_dental_visit) or "none"),
    ("Last well visit", lambda r: _date(r.last_well_child_visit) or "none"),
    ("Well visit due", lambda r: _due(r.well_child_due, r.well_child_overdue)),
    ("Gaps", lambda r: _gaps(r.gap_w30_1, r.gap_w30_2, r.gap_wcv)),
    ("Dentists (take Medi-Cal, see this age)", lambda r: dentist_lines(r.dentists, r.language)),
)  # fmt: skip


def _text(value: object) -> str:
    """A cell's text: a missing value (None, NaN, NA) is empty, never "nan"."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


@dataclass(frozen=True)
class Folder:
    """A built outreach folder."""

    practice: Practice
    path: Path
    children: int
    files: tuple[Path, ...]


def _date(value: object) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None


def _due(day: object, overdue: bool) -> str:
    return (_date(day) or "none on the schedule") + ("\noverdue now" if overdue else "")


def dentist_lines(offices: list[dict[str, Any]], language: str) -> str:
    """The dentists of a gap-list row in English words, one per line, saying when none
    speaks the family's language and when new-patient acceptance is unknown."""
    en = catalogue("en")
    lines = []
    for d in offices:
        cells = dentist_cells(d, en)
        accepts = "" if d.get("accepting") is not None else " · new patients: unknown"
        lines.append(f"{cells['name'].removesuffix(' *')} · {cells['phone']} · "
                     f"{cells['distance']} · {cells['languages']}{accepts}")  # fmt: skip
    if not offices:
        return "none nearby fits: call Medi-Cal Dental"
    if language != "en" and not any(d.get("speaks") for d in offices):
        lines.append(f"No dentist nearby speaks {language_name(language, 'en')}.")
    return "\n".join(lines)


def _gaps(rate1: bool, rate2: bool, wcv: bool) -> str:
    names = (("W30 rate 1", rate1), ("W30 rate 2", rate2), ("WCV", wcv))
    return "\n".join(n for n, flag in names if flag) or "none"


def practice_info(engine: Engine, practice_id: str) -> Practice:
    """The practice's name and phone, or an error if the store has no such practice."""
    p = practices(engine.inputs().provider)
    rows = engine.to_arrow(p.filter(p.practice_id == practice_id)).to_pylist()
    if not rows:
        raise WellchildError(
            f"No primary care practice {practice_id!r} in the store.",
            hint="Practice ids are in rank.csv (wellchild rank) and provider.csv.",
        )
    r = rows[0]
    return Practice(
        practice_id, str(r["practice_name"]), str(r["phone"] or ""), str(r["county_fips"])
    )


def _footer(practice: Practice, as_of: dt.date) -> str:
    return (
        f"{practice.name} ({practice.id}) · as of {as_of} · CONFIDENTIAL: "
        "this practice's patients only"
    )


def in_words(frame: pd.DataFrame, region: Region) -> pd.DataFrame:
    """The gap list with the language and plan written out (``language_name``,
    ``plan_name``) for people to read."""
    plans: dict[str, str] = {}
    for county in region.counties.values():
        for key, plan in county.plans.items():
            plans.setdefault(key, plan.label)
    return frame.assign(
        language_name=[language_name(str(t), "en") for t in frame["language"]],
        plan_name=[plans.get(_text(p), _text(p) or "no plan recorded") for p in frame["plan_id"]],
    )


def gap_pdf_data(frame: pd.DataFrame, practice: Practice, as_of: dt.date) -> dict[str, Any]:
    en = catalogue("en")
    return {
        **language_data(en),
        "title": f"Dental gap list: {practice.name}",
        "subtitle": f"{practice.id} · children 1–5 with no dental visit in the 12 months "
        f"ending {as_of} · {len(frame)} children",
        "footer": _footer(practice, as_of),
        "columns": [name for name, _ in GAP_PDF_COLUMNS],
        "rows": [[fn(r) for _, fn in GAP_PDF_COLUMNS] for r in frame.itertuples()],
        "note": "Gaps: W30 rate 1, fewer than six well-child visits by 15 months; W30 rate 2, "
        "fewer than two from 15 to 30 months; WCV, no well-care visit in the year (3 and "
        f"over). Well visit due: the Bright Futures visit to book as of {as_of} (newborn, "
        "1, 2, 4, 6, 9, 12, 15, 18, 24, 30 months, then yearly): the visit of the child's "
        "current age if not kept, else the next one. Dentists: those speaking the family's "
        "language first, then those known to take new patients, then the nearest.",
    }


# The gap list's spreadsheet: readable headers, and what each column means.
XLSX_COLUMNS: tuple[tuple[str, str, Callable[[Any], object]], ...] = (
    ("Member ID", "The child's Medi-Cal member id.", lambda r: r.member_id),
    ("Last name", "", lambda r: r.last_name),
    ("First name", "", lambda r: r.first_name),
    ("Date of birth", "", lambda r: r.birth_date),
    ("Age (years)", "Age in whole years on the list's date.", lambda r: r.age_years),
    ("Language", "The family's preferred language.", lambda r: r.language_name),
    ("Guardian", "Parent or guardian to call.", lambda r: _text(r.guardian_name)),
    ("Phone", "The guardian's phone; empty when none is recorded.", lambda r: _text(r.phone)),
    ("Address", "Home address.", lambda r: f"{_text(r.address)}, {_text(r.city)} "
                                           f"{_text(r.zip)}".strip(", ")),
    ("Assigned clinician", "The child's assigned primary care clinician at this practice.",
     lambda r: _text(r.pcp_name)),
    ("Health plan", "The Medi-Cal plan the child is enrolled in on the list's date.",
     lambda r: r.plan_name),
    ("Last dental visit", "The last paid dental visit on or before the list's date.",
     lambda r: r.last_dental_visit if isinstance(r.last_dental_visit, dt.date) else None),
    ("Last well-child visit", "The last well-child visit on or before the list's date.",
     lambda r: r.last_well_child_visit
     if isinstance(r.last_well_child_visit, dt.date) else None),
    ("Well-child visit due", "The Bright Futures visit to book as of the list's date (newborn, "
     "1, 2, 4, 6, 9, 12, 15, 18, 24, 30 months, then yearly): the visit of the child's current "
     "age if not kept, else the next one.", lambda r: r.well_child_due),
    ("Overdue now", "yes when the visit due is on or before the list's date.",
     lambda r: "yes" if r.well_child_overdue else "no"),
    ("Well-child gaps", "W30 rate 1: fewer than six well-child visits by 15 months; W30 rate "
     "2: fewer than two from 15 to 30 months; WCV: no well-care visit in the year.",
     lambda r: _gaps(r.gap_w30_1, r.gap_w30_2, r.gap_wcv).replace("\n", ", ")),
    ("Dentists", "Up to three dental offices of the child's county that take Medi-Cal and "
     "see a child this age: those speaking the family's language first, then those known "
     "to take new patients, then the nearest; says so when none speaks the language.",
     lambda r: dentist_lines(r.dentists, str(r.language))),
)  # fmt: skip


def gap_xlsx(frame: pd.DataFrame, path: Path) -> Path:
    """The gap list as a workbook a nurse can print: readable headers, a sheet saying
    what each column means, names frozen, long cells wrapped, landscape pages fit to
    width with the header row on each."""
    table = pd.DataFrame(
        [[fn(r) for _, _, fn in XLSX_COLUMNS] for r in frame.itertuples()],
        columns=[name for name, _, _ in XLSX_COLUMNS],
    )
    columns = pd.DataFrame(
        [(name, text) for name, text, _ in XLSX_COLUMNS if text], columns=["Column", "Meaning"]
    )
    return write_xlsx({"Gap list": table, "Columns": columns}, path, freeze="D2",
                      wrap=("Address", "Dentists", "Well-child gaps", "Meaning"))  # fmt: skip


CALL_KEYS = ("call.greeting", "call.why", "call.offer", "call.yes", "call.no")


def call_scripts(
    languages: list[str], practice: Practice, dental_phone: str
) -> list[dict[str, Any]]:
    """The care coordinator's call script in each language (English first), from the
    catalogues, the child's name left as a blank to say."""
    # A phone number is kept whole and in its own order inside right-to-left text.
    phone = "\u2068" + dental_phone.replace("-", "\u2011") + "\u2069"
    scripts = []
    for tag in dict.fromkeys(["en", *languages]):
        cat = catalogue(tag)
        lines = [
            cat.text(key).replace("{practice}", practice.name).replace("{child}", "______")
            .replace("{phone}", phone)
            for key in CALL_KEYS
        ]  # fmt: skip
        scripts.append({**language_data(cat), "name": cat.name, "lines": lines})
    return scripts


def protocol_data(
    practice: Practice, as_of: dt.date, children: int, region: Region,
    languages: list[str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The protocol of a practice: who does what, how to record outcomes, and the call
    script in every threshold language of its county and every language of its list."""
    county = region.counties.get(practice.county_fips)
    wanted = [*(county.threshold_languages if county else ()), *(languages or [])]
    return {
        **language_data(catalogue("en")),
        "title": f"Dental referral protocol: {practice.name}",
        "footer": _footer(practice, as_of),
        "practice": {"id": practice.id, "name": practice.name},
        "as_of": as_of.isoformat(),
        "children": children,
        "dental_line": f"{region.dental.label} {region.dental.phone}",
        "scripts": call_scripts(wanted, practice, region.dental.phone),
    }


def _packets(
    forms: list[dict[str, Any]],
    languages: list[str],
    phones: list[dict[str, str]],
    footer: str,
    folder: Path,
) -> Path:
    """Every child's form followed by the brochure in the family's language, in one PDF
    to print at once."""
    with tempfile.TemporaryDirectory(prefix="wellchild-packets-") as work:
        brochures = {tag: brochure_data(tag, phones) for tag in languages}
        pdf = PacketPrinter(Path(work), brochures).render(forms, footer=footer)
    path = folder / "packets.pdf"
    path.write_bytes(pdf)
    return path


def build_folder(
    engine: Engine, db: Path, practice_id: str, as_of: dt.date, out: Path, region: Region
) -> Folder:
    """Build one practice's folder under ``out`` and record the export."""
    practice = practice_info(engine, practice_id)
    frame = gap_list(engine, practice_id, as_of)
    folder = out / practice_id
    folder.mkdir(parents=True, exist_ok=True)
    table = flat(frame)
    files = [folder / "gap_list.csv"]
    table.to_csv(files[0], index=False)
    frame = in_words(frame, region)
    files.append(gap_xlsx(frame, folder / "gap_list.xlsx"))
    files.append(write("gap_list", gap_pdf_data(frame, practice, as_of), folder / "gap_list.pdf"))
    register = blank_register(frame["member_id"].tolist(), practice_id)
    files.append(folder / "referral_register.csv")
    register.to_csv(files[-1], index=False)
    files.append(
        write(
            "protocol",
            protocol_data(practice, as_of, len(frame), region, sorted(set(frame["language"]))),
            folder / "protocol.pdf",
        )
    )
    county = region.counties.get(practice.county_fips)
    languages = sorted(set(frame["language"]) | {"en"})
    phones = region.phone_lines(county)
    for tag in languages:
        files.append(write_brochure(tag, phones, folder / "brochures" / f"brochure-{tag}.pdf"))
    forms = []
    for row in frame.itertuples():
        form = referral_form(row, practice, region.dental_line())
        data = referral_data(form, note=f"{practice.id} · {as_of}")
        files.append(write("referral", data, folder / "referrals" / f"{row.member_id}.pdf"))
        forms.append(form)
    if forms:
        footer = _footer(practice, as_of)
        files.append(_packets(forms, languages, phones, footer, folder))
    audit.record(db, action="outreach", practice_id=practice_id, children=len(frame), files=files)
    return Folder(practice, folder, len(frame), tuple(files))
