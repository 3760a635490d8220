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
from wellchild.documents.catalogue import catalogue
from wellchild.documents.packets import PacketPrinter
from wellchild.documents.referral import referral_data
from wellchild.documents.typeset import language_data, write
from wellchild.engines.base import Engine
from wellchild.errors import WellchildError
from wellchild.outreach import audit
from wellchild.outreach.gaps import flat, gap_list
from wellchild.outreach.rank import practices
from wellchild.outreach.referrals import blank_register
from wellchild.outreach.regions import Region

GAP_PDF_COLUMNS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("Child", lambda r: f"{r.last_name}, {r.first_name}\n{r.member_id}"),
    ("Born", lambda r: f"{r.birth_date} ({r.age_years} y)"),
    ("Lang.", lambda r: str(r.language)),
    ("Guardian / phone", lambda r: f"{r.guardian_name or ''}\n{r.phone or 'no phone'}"),
    ("Last dental", lambda r: _date(r.last_dental_visit) or "none"),
    ("Last well visit", lambda r: _date(r.last_well_child_visit) or "none"),
    ("Well visit due", lambda r: _due(r.well_child_due, r.well_child_overdue)),
    ("W30 gap", lambda r: _gaps(r.gap_w30_1, r.gap_w30_2)),
    ("WCV gap", lambda r: "yes" if r.gap_wcv else ""),
    ("Plan", lambda r: str(r.plan_id or "")),
    ("Nearest dentists (Medi-Cal, see this age)", lambda r: _dentists(r.dentists)),
)  # fmt: skip


@dataclass(frozen=True)
class Practice:
    """What the documents print about a practice."""

    id: str
    name: str
    phone: str
    county_fips: str


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
    return (_date(day) or "") + (" (overdue)" if overdue else "")


def _dentists(offices: list[dict[str, str]]) -> str:
    lines = (f"{d['name']} {d['phone']} {d['distance']}" for d in offices)
    return "\n".join(lines) or "call Medi-Cal Dental"


def _gaps(rate1: bool, rate2: bool) -> str:
    return ", ".join(n for n, flag in (("rate 1", rate1), ("rate 2", rate2)) if flag)


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
        "note": "W30 gap: fewer well-child visits than W30 asks by 15 months (rate 1) or "
        "15–30 months (rate 2) in the year; WCV gap: no well-care visit in the year (3 and "
        "over). Well visit due: the next Bright Futures visit after the last one.",
    }


def referral_form(row: Any, practice: Practice, region: Region) -> dict[str, Any]:
    """The referral form of one gap-list child, as :mod:`wellchild.documents.referral`
    takes it: the family's language, the child, the practice and the nearest dentists
    (Medi-Cal Dental's line when none fits)."""
    return {
        "language": str(row.language),
        "child": {
            "name": f"{row.first_name} {row.last_name}",
            "birth_date": row.birth_date.isoformat(),
            "member_id": str(row.member_id),
        },
        "practice": {
            "name": practice.name,
            "phone": practice.phone,
            "clinician": str(row.pcp_name or ""),
        },
        "dentists": row.dentists
        or [{"name": region.dental.label, "address": region.dental_web,
             "phone": region.dental.phone, "languages": "", "distance": ""}],
    }  # fmt: skip


def protocol_data(
    practice: Practice, as_of: dt.date, children: int, region: Region
) -> dict[str, Any]:
    return {
        **language_data(catalogue("en")),
        "title": f"Dental referral protocol: {practice.name}",
        "footer": _footer(practice, as_of),
        "practice": {"id": practice.id, "name": practice.name},
        "as_of": as_of.isoformat(),
        "children": children,
        "dental_line": f"{region.dental.label} {region.dental.phone}",
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
    from wellchild.outreach.sheets import write_xlsx

    practice = practice_info(engine, practice_id)
    frame = gap_list(engine, practice_id, as_of)
    folder = out / practice_id
    folder.mkdir(parents=True, exist_ok=True)
    table = flat(frame)
    files = [folder / "gap_list.csv"]
    table.to_csv(files[0], index=False)
    files.append(write_xlsx({"Gap list": table}, folder / "gap_list.xlsx"))
    files.append(write("gap_list", gap_pdf_data(frame, practice, as_of), folder / "gap_list.pdf"))
    register = blank_register(frame["member_id"].tolist(), practice_id)
    files.append(folder / "referral_register.csv")
    register.to_csv(files[-1], index=False)
    files.append(
        write(
            "protocol", protocol_data(practice, as_of, len(frame), region), folder / "protocol.pdf"
        )
    )
    county = region.counties.get(practice.county_fips)
    languages = sorted(set(frame["language"]) | {"en"})
    phones = region.phone_lines(county)
    for tag in languages:
        files.append(write_brochure(tag, phones, folder / "brochures" / f"brochure-{tag}.pdf"))
    forms = []
    for row in frame.itertuples():
        form = referral_form(row, practice, region)
        data = referral_data(form, note=f"{practice.id} · {as_of}")
        files.append(write("referral", data, folder / "referrals" / f"{row.member_id}.pdf"))
        forms.append(form)
    if forms:
        footer = _footer(practice, as_of)
        files.append(_packets(forms, languages, phones, footer, folder))
    audit.record(db, action="outreach", practice_id=practice_id, children=len(frame), files=files)
    return Folder(practice, folder, len(frame), tuple(files))
